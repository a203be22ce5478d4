/**
 * One spelling of a GitHub account's login, whoever reports it. REST says `renovate[bot]`; GraphQL
 * reports a Bot actor as `renovate` (typename `Bot`) and a bot's commits with no user at all,
 * only its no-reply e-mail. Policies name bots as `renovate[bot]`, so every login rolegate
 * judges (authors, reviewers, committers, mergers) goes through here.
 */

/** A GraphQL `Actor` (`author`, `mergedBy`, a review's author). */
export interface ActorNode {
  __typename?: string;
  login?: string | null;
}

export function actorLogin(actor: ActorNode | null | undefined): string | undefined {
  if (!actor?.login) return undefined;
  return actor.__typename === "Bot" && !actor.login.endsWith("[bot]") ? `${actor.login}[bot]` : actor.login;
}

/** A GraphQL `GitActor` (a commit's author or committer). */
export interface GitActorNode {
  user?: { login?: string | null } | null;
  email?: string | null;
}

/** GitHub's no-reply address of an account: `<id>+<login>@users.noreply.github.com`. */
const NO_REPLY = /^\d+\+([A-Za-z0-9-]+\[bot\])@users\.noreply\.github\.com$/i;

export function gitActorLogin(actor: GitActorNode | null | undefined): string | undefined {
  if (actor?.user?.login) return actor.user.login;
  // A bot is no User, so GraphQL gives no user: its no-reply address still names it.
  const m = NO_REPLY.exec(actor?.email ?? "");
  return m ? m[1] : undefined;
}
