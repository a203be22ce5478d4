import type { HandlerContext } from "./context.js";
import { installationOf } from "./context.js";
import { rejudgeOpen, repositoriesOf } from "../rejudge.js";

/**
 * A team's membership changed (`membership`), or the team itself (`team`: renamed, deleted,
 * given or taken a repository): forget its cached members everywhere and re-judge every open
 * pull request whose policy may name it.
 */
export function onTeamChange(h: HandlerContext): void {
  h.on(
    ["membership.added", "membership.removed", "team.edited", "team.deleted", "team.added_to_repository", "team.removed_from_repository"],
    async (context) => {
      const payload = context.payload as { team?: { slug?: string }; organization?: { login?: string }; changes?: { slug?: { from?: string } } };
      const org = payload.organization?.login;
      const slugs = [payload.team?.slug, payload.changes?.slug?.from].filter((s): s is string => typeof s === "string");
      if (!org || slugs.length === 0) return;
      const installation = installationOf(context);
      const teams = slugs.map((s) => `${org}/${s}`.toLowerCase());
      for (const team of teams) await h.service.directory.forgetTeam(installation, team);
      const api = h.apiOf(context);
      const named = async (repo: { owner: string; repo: string }) => {
        for (const team of teams) if (await h.service.mayNameTeam(repo, team)) return true;
        return false;
      };
      await rejudgeOpen(h.service, api, installation, repositoriesOf(api, named));
    },
  );
}
