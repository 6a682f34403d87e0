/**
 * Excel runs a cell that starts with = + - @ (or a tab / carriage return) as a formula. Exported
 * text cells that do are prefixed with ' — plain numbers (e.g. -500) are left as numbers.
 */
export function safeCell(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  if (/^-?\d+(\.\d+)?$/.test(v)) return v;
  return /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}
