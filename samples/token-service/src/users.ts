/**
 * The app's users: demo data you can read. Each has a role, and each role gets the least the role needs
 * (the scopes of Microsoft's identity model):
 *
 * | user  | role   | scopes              | can                                                        |
 * | ----- | ------ | ------------------- | ---------------------------------------------------------- |
 * | alice | member | `chat`              | create threads, add people, chat                           |
 * | bob   | guest  | `chat.join.limited` | chat in the threads he was added to; add nobody            |
 * | carol | caller | `voip`              | calls only: no chat at all                                 |
 *
 * Passwords are stored as scrypt hashes (./passwords.ts); the service never has them in clear.
 */
import type { TokenScope } from "@azure/communication-identity";

export type Role = "member" | "guest" | "caller";

/** The scopes an access token of each role carries. */
export const ROLE_SCOPES: Readonly<Record<Role, readonly TokenScope[]>> = {
  member: ["chat"],
  guest: ["chat.join.limited"],
  caller: ["voip"],
};

export interface AppUser {
  /** The name a user signs in with. */
  name: string;
  role: Role;
  /** A scrypt hash of the password (./passwords.ts). */
  passwordHash: string;
}

export const DEMO_USERS: readonly AppUser[] = [
  {
    name: "alice",
    role: "member",
    passwordHash: "$scrypt$ln=14,r=8,p=1$13d23MKMK+iaI96AFjGoyQ$1paUVS67GH9cmBLLsfaxVJ7czhpN1eoha4kZekaP9PY",
  },
  {
    name: "bob",
    role: "guest",
    passwordHash: "$scrypt$ln=14,r=8,p=1$NaoQMKSH7NJ8VFaq5X+oIw$r6xzrpf8c5eVZjph3u7BxSS4fk7n056e3mH6fd/mxaQ",
  },
  {
    name: "carol",
    role: "caller",
    passwordHash: "$scrypt$ln=14,r=8,p=1$YD0abwXqE1XRXdmQAXLaAQ$tL4Mva+jut8dCwmAAdbhUCqED/J1DdEfEQbeOuSfcBA",
  },
];

/**
 * What the demo users type to sign in, so that the tutorial can sign in as them. Demo only: a real service
 * never holds a password in clear, and this one does not use these (it checks the hashes above).
 */
export const DEMO_PASSWORDS: Readonly<Record<string, string>> = {
  alice: "alice-demo-password",
  bob: "bob-demo-password",
  carol: "carol-demo-password",
};
