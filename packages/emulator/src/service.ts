/**
 * The model of one ACS resource: identities, access tokens, revocations, deletions. No HTTP here.
 *
 * Bookkeeping is bounded: issued tokens are never stored. A token is checked by its signature,
 * its claims and its identity's record (deleted? revoked up to which issue sequence number?).
 */
import { randomBytes, randomUUID } from "node:crypto";
import { catalogue, fail } from "./catalogue.js";
import { type PersistedState, readStateFile, STATE_FILE_VERSION, writeStateFile } from "./state-file.js";
import {
  type AccessTokenClaims,
  formatExpiresOn,
  generateSigningKey,
  mintTokenAsync,
  type SigningKey,
  signingKeyFromPem,
  verifySignature,
} from "./tokens.js";

export interface IdentityRecord {
  id: string;
  /** The caller's own id for the identity (2025-03-02-preview `customId`), unique among identities not deleted. */
  customId?: string;
  createdAt: number;
  deleted: boolean;
  tokensIssued: number;
  /** When a token was last issued for it (epoch ms), or null. */
  lastTokenIssuedAt: number | null;
  revokedAt: number | null;
  revokedSeq: number | null;
}

export interface IssuedToken {
  token: string;
  expiresOn: string;
  expiresOnMs: number;
}

export type TokenValidation =
  | { valid: true; claims: Record<string, unknown> }
  | {
      valid: false;
      reason: "revoked" | "expired" | "deleted" | "signature" | "malformed";
      claims?: Record<string, unknown>;
    };

export interface ServiceOptions {
  accessKey?: string;
  resourceId?: string;
  /** PKCS#8 PEM of the RS256 signing key; default: the state file's, else a new one. */
  signingKey?: string;
  stateFile?: string;
  now: () => number;
}

/** How many issue sequence numbers are reserved in the state file at a time (one write per block). */
const SEQUENCE_BLOCK = 10_000;
const TOKEN_COUNTER_FLUSH_MS = 250;
const ACS_ID = /^8:acs:([^_]+)_([^_]+)$/;

export class IdentityService {
  readonly accessKey: string;
  readonly resourceId: string;
  readonly signingKey: SigningKey;
  readonly stateFile: string | undefined;
  private readonly now: () => number;
  private readonly identities = new Map<string, IdentityRecord>();
  /** customId → the identity (not deleted) tagged with it. */
  private readonly byCustomId = new Map<string, IdentityRecord>();
  private sequence: number;
  private reservedSequence: number;
  private flushTimer: NodeJS.Timeout | undefined;

  private constructor(init: {
    accessKey: string;
    resourceId: string;
    signingKey: SigningKey;
    sequence: number;
    stateFile: string | undefined;
    now: () => number;
  }) {
    this.accessKey = init.accessKey;
    this.resourceId = init.resourceId;
    this.signingKey = init.signingKey;
    this.sequence = init.sequence;
    this.reservedSequence = init.sequence;
    this.stateFile = init.stateFile;
    this.now = init.now;
  }

  static async create(options: ServiceOptions): Promise<IdentityService> {
    const saved = options.stateFile ? readStateFile(options.stateFile) : undefined;
    if (saved && options.resourceId && saved.resourceId.toLowerCase() !== options.resourceId.toLowerCase()) {
      throw new Error(
        `The emulator state file ${options.stateFile} belongs to resource ${saved.resourceId}, not ${options.resourceId}. Use another state file or drop the resourceId option.`,
      );
    }
    if (
      saved &&
      options.signingKey !== undefined &&
      options.signingKey.trim() !== saved.signingKeyPem.trim()
    ) {
      throw new Error(
        `The emulator state file ${options.stateFile} holds another signing key. Use another state file or drop the signingKey option.`,
      );
    }
    const service = new IdentityService({
      accessKey: options.accessKey ?? saved?.accessKey ?? randomBytes(32).toString("base64"),
      resourceId: (saved?.resourceId ?? options.resourceId ?? randomUUID()).toLowerCase(),
      signingKey: saved
        ? await signingKeyFromPem(saved.signingKeyPem)
        : options.signingKey !== undefined
          ? await signingKeyFromPem(options.signingKey)
          : await generateSigningKey(),
      sequence: saved?.sequence ?? 0,
      stateFile: options.stateFile,
      now: options.now,
    });
    for (const it of saved?.identities ?? []) {
      service.add({
        id: it.id,
        ...(it.customId !== undefined ? { customId: it.customId } : {}),
        createdAt: Date.parse(it.createdAt) || 0,
        deleted: it.deleted,
        tokensIssued: it.tokensIssued,
        lastTokenIssuedAt:
          it.lastTokenIssuedAt === undefined || it.lastTokenIssuedAt === null
            ? null
            : Date.parse(it.lastTokenIssuedAt),
        revokedAt: it.revokedAt === null ? null : Date.parse(it.revokedAt),
        revokedSeq: it.revokedSeq,
      });
    }
    if (options.stateFile && (!saved || saved.accessKey !== service.accessKey)) service.persistNow();
    return service;
  }

  // ---- identities ----

  /**
   * A new identity; with a `customId`, the identity already tagged with it when there is one (not deleted: a
   * deleted identity gives its customId up), else a new one tagged with it.
   */
  createIdentity(customId?: string): IdentityRecord {
    const existing = customId === undefined ? undefined : this.byCustomId.get(customId);
    if (existing) return existing;
    const now = Math.floor(this.now());
    // GUID-shaped, roughly sortable by creation time, like the service's `0000000x-…` user parts.
    const t = now.toString(16).padStart(12, "0").slice(-12);
    const userPart = `00000030-${t.slice(0, 4)}-${t.slice(4, 8)}-${t.slice(8, 12)}-${randomBytes(6).toString("hex")}`;
    const record = this.add({
      id: `8:acs:${this.resourceId}_${userPart}`,
      ...(customId !== undefined ? { customId } : {}),
      createdAt: now,
      deleted: false,
      tokensIssued: 0,
      lastTokenIssuedAt: null,
      revokedAt: null,
      revokedSeq: null,
    });
    this.persistNow();
    return record;
  }

  private add(record: IdentityRecord): IdentityRecord {
    this.identities.set(record.id, record);
    if (record.customId !== undefined && !record.deleted) this.byCustomId.set(record.customId, record);
    return record;
  }

  /**
   * The identity of this resource behind `id`, or a catalogued failure:
   * malformed or foreign → 401 IdentityNotOwned; unknown or deleted → 404 IdentityNotFound.
   */
  ownedIdentity(id: string): IdentityRecord {
    const match = ACS_ID.exec(id);
    if (!match || match[1]?.toLowerCase() !== this.resourceId) fail(catalogue.identityNotOwned());
    const record = this.identities.get(id);
    if (!record || record.deleted) fail(catalogue.identityNotFound());
    return record;
  }

  /**
   * Issues a token. The checks, the claims (issue sequence number included) and the bookkeeping happen
   * at once, in call order; only the RSA signature is awaited (computed off the event loop, see mint()).
   */
  issueAccessToken(id: string, scopes: string[], expiresInMinutes: number): Promise<IssuedToken> {
    const record = this.ownedIdentity(id);
    const now = this.now();
    const issued = this.mint(id.slice(2), scopes, now, now + expiresInMinutes * 60_000);
    record.tokensIssued++;
    record.lastTokenIssuedAt = now;
    this.persistSoon();
    return issued;
  }

  revokeAccessTokens(id: string): void {
    const record = this.ownedIdentity(id);
    record.revokedAt = this.now();
    record.revokedSeq = this.sequence;
    this.persistNow();
  }

  deleteIdentity(id: string): void {
    const record = this.ownedIdentity(id);
    record.deleted = true;
    if (record.customId !== undefined) this.byCustomId.delete(record.customId);
    this.persistNow();
  }

  /** A token for a Teams user (`skypeid: orgid:<oid>`), expiring with the Entra ID token. */
  issueTeamsUserToken(userObjectId: string, expiresOnMs: number): Promise<IssuedToken> {
    const issued = this.mint(`orgid:${userObjectId.toLowerCase()}`, ["voip"], this.now(), expiresOnMs);
    this.persistSoon();
    return issued;
  }

  /**
   * The claims are fixed now (synchronously, so revocation by sequence number sees issues in call order);
   * the signature is computed on libuv's thread pool, so a busy standalone server keeps parsing, checking
   * and answering other requests on its event loop meanwhile (RSA-2048 signing is ~0.5 ms, most of an
   * issuance's cost).
   */
  private mint(
    skypeid: string,
    scopes: string[],
    issuedAtMs: number,
    expiresOnMs: number,
  ): Promise<IssuedToken> {
    const iat = Math.floor(issuedAtMs / 1000);
    const exp = Math.floor(expiresOnMs / 1000);
    const claims: AccessTokenClaims = {
      skypeid,
      scp: 1792,
      csi: String(iat),
      exp,
      rgn: "amer",
      acsScope: scopes.join(","),
      resourceId: this.resourceId,
      resourceLocation: "unitedstates",
      iat,
      jti: randomUUID(),
      emulatorSeq: this.nextSequence(),
    };
    const expiresOn = formatExpiresOn(expiresOnMs);
    return mintTokenAsync(this.signingKey, claims).then((token) => ({ token, expiresOn, expiresOnMs }));
  }

  private nextSequence(): number {
    this.sequence++;
    if (this.sequence > this.reservedSequence) {
      // Reserve a block in the state file first, so no later process can hand out a number twice.
      this.reservedSequence = this.sequence + SEQUENCE_BLOCK;
      this.persistNow();
    }
    return this.sequence;
  }

  // ---- validation ----

  /** Signature first (malformed, signature), then the model: deleted, revoked, expired, in that order. */
  async validateToken(token: string): Promise<TokenValidation> {
    const checked = await verifySignature(this.signingKey, token);
    if (!checked.ok)
      return { valid: false, reason: checked.reason, ...(checked.claims ? { claims: checked.claims } : {}) };
    const claims = checked.claims;
    if (typeof claims.emulatorSeq !== "number" || typeof claims.skypeid !== "string") {
      return { valid: false, reason: "malformed", claims };
    }
    if (claims.skypeid.startsWith("acs:")) {
      const record = this.identities.get(`8:${claims.skypeid}`);
      if (!record || record.deleted) return { valid: false, reason: "deleted", claims };
      if (record.revokedSeq !== null && claims.emulatorSeq <= record.revokedSeq) {
        return { valid: false, reason: "revoked", claims };
      }
    }
    if (claims.exp * 1000 <= this.now()) return { valid: false, reason: "expired", claims };
    return { valid: true, claims };
  }

  // ---- inspection and admin ----

  identityList(): IdentityRecord[] {
    return [...this.identities.values()];
  }

  /** Forgets every identity (the key, resource, access key and sequence stay). */
  reset(): void {
    this.identities.clear();
    this.byCustomId.clear();
    this.persistNow();
  }

  snapshot(): PersistedState {
    return {
      version: STATE_FILE_VERSION,
      resourceId: this.resourceId,
      accessKey: this.accessKey,
      signingKeyPem: this.signingKey.privateKeyPem,
      sequence: this.reservedSequence,
      identities: this.identityList().map((r) => ({
        id: r.id,
        ...(r.customId !== undefined ? { customId: r.customId } : {}),
        createdAt: new Date(r.createdAt).toISOString(),
        deleted: r.deleted,
        tokensIssued: r.tokensIssued,
        lastTokenIssuedAt: r.lastTokenIssuedAt === null ? null : new Date(r.lastTokenIssuedAt).toISOString(),
        revokedAt: r.revokedAt === null ? null : new Date(r.revokedAt).toISOString(),
        revokedSeq: r.revokedSeq,
      })),
    };
  }

  // ---- persistence ----

  /** Writes the state file now (before the response of a create, revoke, delete or reset is sent). */
  persistNow(): void {
    if (!this.stateFile) return;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    writeStateFile(this.stateFile, this.snapshot());
  }

  /** Token counters: written shortly after, in one write for many tokens. */
  private persistSoon(): void {
    if (!this.stateFile || this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      try {
        this.persistNow();
      } catch (error) {
        console.error(`ACS emulator: could not write ${this.stateFile}: ${(error as Error).message}`);
      }
    }, TOKEN_COUNTER_FLUSH_MS);
    this.flushTimer.unref();
  }

  /** Flushes pending writes. */
  close(): void {
    if (this.flushTimer) this.persistNow();
  }
}
