/**
 * Exact assignment of people to requirements that each need a number of distinct people, one
 * requirement per person: a maximum bipartite matching over requirement "slots", found by
 * augmenting paths (Kuhn's algorithm with capacities). Exact: whenever some assignment fills
 * every slot, this finds one. Sizes are small (reviewers × exclusive requirements).
 */

export interface Assignment {
  /** For each person, the requirement they fill, or undefined when they fill none. */
  of: (number | undefined)[];
  /** For each requirement, the people who fill its slots, in person order. */
  filled: number[][];
  /** Every slot of every requirement is filled. */
  complete: boolean;
}

/**
 * `needs[r]` is how many people requirement r needs; `options[p]` lists the requirements person
 * p may fill. People are tried in index order and each person's options in the order given,
 * so the same input always gives the same assignment.
 */
export function assignPeople(needs: readonly number[], options: readonly (readonly number[])[]): Assignment {
  const of: (number | undefined)[] = options.map(() => undefined);
  const holders: number[][] = needs.map(() => []);

  // Depth-first search for an augmenting path from person p: a requirement with a free slot,
  // or one whose holder can move to another requirement along such a path.
  const seen = new Uint8Array(needs.length);
  const augment = (p: number): boolean => {
    for (const r of options[p]!) {
      if (seen[r]) continue;
      seen[r] = 1;
      if (holders[r]!.length < needs[r]!) {
        take(p, r);
        return true;
      }
      for (const q of holders[r]!) {
        if (augment(q)) {
          holders[r]!.splice(holders[r]!.indexOf(q), 1);
          take(p, r);
          return true;
        }
      }
    }
    return false;
  };
  const take = (p: number, r: number) => {
    of[p] = r;
    holders[r]!.push(p);
  };

  for (let p = 0; p < options.length; p++) {
    seen.fill(0);
    augment(p);
  }
  const complete = holders.every((h, r) => h.length >= needs[r]!);
  return { of, filled: holders.map((h) => [...h].sort((a, b) => a - b)), complete };
}

/**
 * When the assignment is not complete: a set of requirements that together need more people
 * than can fill them (Hall's condition fails), and the people who could. Found by following
 * alternating paths from a requirement with a free slot: every person who may fill a reached
 * requirement already fills one, so the reached requirements need more than those people.
 */
export function shortfall(
  needs: readonly number[],
  options: readonly (readonly number[])[],
  assignment: Assignment,
): { requirements: number[]; people: number[] } | undefined {
  const open = needs.findIndex((n, r) => assignment.filled[r]!.length < n);
  if (open < 0) return undefined;
  const mayFill = needs.map(() => [] as number[]);
  options.forEach((list, p) => {
    for (const r of list) mayFill[r]!.push(p);
  });
  const requirements = new Set([open]);
  const people = new Set<number>();
  const queue = [open];
  while (queue.length > 0) {
    const r = queue.shift()!;
    for (const p of mayFill[r]!) {
      if (people.has(p)) continue;
      people.add(p);
      const next = assignment.of[p];
      if (next !== undefined && !requirements.has(next)) {
        requirements.add(next);
        queue.push(next);
      }
    }
  }
  const byIndex = (a: number, b: number) => a - b;
  return { requirements: [...requirements].sort(byIndex), people: [...people].sort(byIndex) };
}
