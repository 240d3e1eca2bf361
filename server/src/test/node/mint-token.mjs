// Mints the short-lived HS256 JWT a SessionFeed server accepts, the way a Next.js API route would
// (app/api/sessionfeed-token/route.js):
//
//   import { mintSessionFeedToken } from './mint-token.mjs';
//   export async function GET() {
//     const user = await currentUser();                       // your app's session
//     if (!user?.isChatAdmin) return new Response(null, { status: 403 });
//     const token = mintSessionFeedToken({
//       secret: process.env.SESSIONFEED_JWT_HS256_SECRET,     // the same value the server has
//       sub: user.email, roles: ['chat-admin'],
//       issuer: 'https://app.example.com', audience: 'sessionfeed', expiresInSeconds: 300,
//     });
//     return Response.json({ token });
//   }
//
// Node's own crypto (HMAC-SHA256); no dependency. Run directly to print a token:
//   SESSIONFEED_JWT_HS256_SECRET=... node mint-token.mjs alice chat-admin
import { createHmac } from 'node:crypto';

const base64url = (value) => Buffer.from(value).toString('base64url');

/**
 * @param {{secret: string, sub: string, roles?: string[], tenant?: string, issuer?: string, audience?: string,
 *          expiresInSeconds?: number, now?: number}} claims
 * @returns {string} the compact JWT
 */
export function mintSessionFeedToken({ secret, sub, roles = ['chat-viewer'], tenant, issuer, audience,
                                       expiresInSeconds = 300, now = Date.now() }) {
  if (!secret || Buffer.byteLength(secret) < 32) throw new Error('secret must be at least 32 bytes');
  if (!sub) throw new Error('sub is required');
  const iat = Math.floor(now / 1000);
  const payload = { sub, roles, iat, exp: iat + expiresInSeconds };
  if (tenant) payload.tenant = tenant;
  if (issuer) payload.iss = issuer;
  if (audience) payload.aud = audience;
  const signingInput = `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify(payload))}`;
  const signature = createHmac('sha256', secret).update(signingInput).digest('base64url');
  return `${signingInput}.${signature}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [sub = 'admin@example.com', role = 'chat-admin'] = process.argv.slice(2);
  console.log(mintSessionFeedToken({
    secret: process.env.SESSIONFEED_JWT_HS256_SECRET, sub, roles: [role],
    issuer: process.env.SESSIONFEED_JWT_ISSUER, audience: process.env.SESSIONFEED_JWT_AUDIENCE,
  }));
}
