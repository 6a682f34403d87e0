import { hash, verify } from '@node-rs/argon2';

// argon2id (the library default algorithm), OWASP 2023 minimum: m=19 MiB, t=2, p=1.
const ARGON2_OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1, outputLen: 32 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

// Verifying against this when the account does not exist keeps the response time the same.
let dummyHash: Promise<string> | undefined;
export function timingSafeDummyVerify(password: string) {
  dummyHash ??= hashPassword('dummy password for timing equalisation');
  return dummyHash.then((h) => verifyPassword(h, password));
}
