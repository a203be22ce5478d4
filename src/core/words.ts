/** "1 file", "2 files": English plurals for counts in messages, checks and summaries. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
