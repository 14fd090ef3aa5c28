/** Reading the request's cookies (the API sets only the session cookie; express parses none by itself). */
import type { Request } from 'express';

/** The value of cookie `name` in the request's Cookie header, or null (also when it cannot be decoded). */
export function readCookie(req: Request, name: string): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) {
      try {
        return decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        return null;
      }
    }
  }
  return null;
}
