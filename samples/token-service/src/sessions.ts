/**
 * The app's sessions: a random, opaque session token is handed out at sign-in and sent back as
 * `Authorization: Bearer <session>`. The service keeps only its SHA-256 hash (a memory dump or a log shows
 * no usable session), with the user it belongs to and when it ends. The user always comes from here, never
 * from what a request says.
 */
import { createHash, randomBytes } from "node:crypto";

export interface Session<User> {
  user: User;
  /** When the session ends, epoch ms. */
  expiresAt: number;
}

const hash = (token: string) => createHash("sha256").update(token).digest("base64url");

export class SessionStore<User extends { name: string }> {
  private readonly sessions = new Map<string, Session<User>>();

  constructor(
    /** How long a session lasts, in ms. */
    private readonly lifetimeMs: number,
    /** At most this many sessions at once per user (the oldest ends first). */
    private readonly perUser = 10,
  ) {}

  /** Starts a session for `user`; returns the session token (256 random bits) and when it ends. */
  start(user: User): { token: string; expiresOn: Date } {
    this.prune();
    const mine = [...this.sessions.entries()].filter(([, s]) => s.user.name === user.name);
    for (const [key] of mine.slice(0, Math.max(0, mine.length - this.perUser + 1))) this.sessions.delete(key);
    const token = randomBytes(32).toString("base64url");
    const expiresAt = Date.now() + this.lifetimeMs;
    this.sessions.set(hash(token), { user, expiresAt });
    return { token, expiresOn: new Date(expiresAt) };
  }

  /** The session of a token, if it exists and has not ended. */
  find(token: string): Session<User> | undefined {
    const key = hash(token);
    const session = this.sessions.get(key);
    if (session && session.expiresAt <= Date.now()) this.sessions.delete(key);
    return session && session.expiresAt > Date.now() ? session : undefined;
  }

  /** Ends one session. */
  end(token: string): void {
    this.sessions.delete(hash(token));
  }

  /** Ends every session of a user (sign out everywhere). */
  endAll(userName: string): void {
    for (const [key, session] of this.sessions) if (session.user.name === userName) this.sessions.delete(key);
  }

  private prune(): void {
    const now = Date.now();
    for (const [key, session] of this.sessions) if (session.expiresAt <= now) this.sessions.delete(key);
  }
}
