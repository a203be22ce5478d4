import type { FakeApp } from "./fake-app.js";
import { issueCommentEvent, membershipEvent, pullRequestEvent, pushEvent } from "../fake-github/webhooks.js";

/** Small steps that tests of the App against the strict fake repeat. */
export class Scenario {
  private nextComment = 5000;

  constructor(
    readonly app: FakeApp,
    readonly owner = "acme",
    readonly repo = "app",
  ) {}

  get state() {
    return this.app.fake.state;
  }

  /** The repository, with its default branch `main` holding these files, and people with these permissions. */
  repository(files: Record<string, string>, permissions: Record<string, "admin" | "write" | "read"> = {}): string {
    if (!this.state.findRepo(this.owner, this.repo)) this.state.addRepo({ owner: this.owner, name: this.repo, defaultBranch: "main" });
    for (const [login, p] of Object.entries(permissions)) this.state.setPermission(this.owner, this.repo, login, p);
    return this.state.commit(this.owner, this.repo, { branch: "main", files, author: "lead", message: "base" });
  }

  /** A pull request from `author` changing these files on a branch of its own; returns its number. */
  pullRequest(author: string, changes: Record<string, string | null>, options: { number?: number; branch?: string; fork?: string } = {}): number {
    const s = this.state;
    const base = s.repo(this.owner, this.repo).branches.get("main")!;
    const branch = options.branch ?? `change-${Math.random().toString(36).slice(2, 8)}`;
    const head = s.commit(this.owner, this.repo, { branch, parents: [base], changes, author });
    const pr = s.addPullRequest({
      owner: this.owner,
      repo: this.repo,
      author,
      base: { ref: "main" },
      head: { ref: branch, sha: head, ...(options.fork ? { repo: `${options.fork}/${this.repo}` } : {}) },
      ...(options.number !== undefined ? { number: options.number } : {}),
    });
    return pr.number;
  }

  head(number: number): string {
    return this.state.pullRequest(this.owner, this.repo, number).pull.head.sha;
  }

  approve(number: number, user: string, state: "APPROVED" | "CHANGES_REQUESTED" = "APPROVED", commit = this.head(number)): void {
    this.state.addReview(this.owner, this.repo, number, { user, state, commit_id: commit, submitted_at: this.state.timestamp() });
  }

  /** Delivers `pull_request.<action>` for the pull request, as GitHub would. */
  async opened(number: number, action = "opened"): Promise<void> {
    await this.app.deliver("pull_request", pullRequestEvent(this.app.fake, { owner: this.owner, repo: this.repo, number, action }));
  }

  /** Adds a comment by `user` and delivers `issue_comment.created`. */
  async comment(number: number, user: string, body: string): Promise<void> {
    const id = this.nextComment++;
    const at = this.state.timestamp();
    this.state.pullRequest(this.owner, this.repo, number).comments.push({ id, body, user, createdAt: at, updatedAt: at });
    await this.app.deliver("issue_comment", issueCommentEvent(this.app.fake, { owner: this.owner, repo: this.repo, number, commentId: id }));
  }

  /** Commits to a branch and delivers the push. */
  async push(branch: string, changes: Record<string, string | null>, pusher = "lead", repo = this.repo): Promise<string> {
    const before = this.state.repo(this.owner, repo).branches.get(branch)!;
    const after = this.state.commit(this.owner, repo, { branch, changes, author: pusher });
    await this.app.deliver("push", pushEvent(this.app.fake, { owner: this.owner, repo, ref: branch, before, after, pusher }));
    return after;
  }

  async membership(team: string, member: string, action: "added" | "removed"): Promise<void> {
    const t = this.state.findTeam(this.owner, team)!;
    if (action === "removed") t.members.delete(member.toLowerCase());
    else t.members.set(member.toLowerCase(), { login: member, role: "member" });
    await this.app.deliver("membership", membershipEvent(this.app.fake, { org: this.owner, team, member, action, sender: "lead" }));
  }

  /** The newest `rolegate` check run on a commit. */
  check(sha: string) {
    return this.state.checkRunsFor(this.owner, this.repo, { headSha: sha, name: "rolegate", appId: this.app.appId }).at(-1);
  }

  checks(sha: string) {
    return this.state.checkRunsFor(this.owner, this.repo, { headSha: sha, name: "rolegate", appId: this.app.appId });
  }

  /** The last comment on the pull request that the app wrote. */
  lastReply(number: number): string | undefined {
    return this.state
      .pullRequest(this.owner, this.repo, number)
      .comments.filter((c) => c.user.endsWith("[bot]"))
      .at(-1)?.body;
  }
}
