/** Quoting shared by the policy text and the notes. */

export const q = (s: string) => JSON.stringify(s);
export const code = (s: string) => "`" + s + "`";
