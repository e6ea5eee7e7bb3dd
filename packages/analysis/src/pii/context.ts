/** Lower-cased text of up to `width` characters before `pos`. */
export function textBefore(text: string, pos: number, width: number): string {
  return text.slice(Math.max(0, pos - width), pos).toLowerCase();
}

/** Lower-cased text of up to `width` characters after `pos`. */
export function textAfter(text: string, pos: number, width: number): string {
  return text.slice(pos, pos + width).toLowerCase();
}
