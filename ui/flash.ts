/** A one-time message carried across an in-app navigation ("Task TASK0000012 has been created"). */
let pending: string | null = null;

export function setFlash(message: string): void {
  pending = message;
}

/** The pending message, once. */
export function takeFlash(): string | null {
  const m = pending;
  pending = null;
  return m;
}
