// The load generator: a separate process that sends signed webhook deliveries to the app on
// loopback at a fixed rate (open loop: a slow answer does not slow the sending down) and
// reports when each was sent and answered. Started by bench/lib/load.ts with fork(); it gets
// its job over IPC and answers over IPC. Bounded: a fixed list of deliveries and a deadline.
import { createHmac } from "node:crypto";
import http from "node:http";

const now = () => performance.timeOrigin + performance.now();

// Protocol: the parent sends the job; this process prepares every request and answers
// "ready"; the parent lets its own process settle and sends "go"; the results come back.
process.once("message", async (job) => {
  const { url, secret, rate, deliveries, deadlineMs, maxSockets } = job;
  const target = new URL(url);
  if (target.hostname !== "127.0.0.1") throw new Error("the load generator only talks to 127.0.0.1");
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  // Sign everything before the clock starts, so signing does not limit the rate.
  const prepared = deliveries.map((d) => {
    const body = Buffer.from(d.body);
    return {
      id: d.id,
      body,
      headers: {
        "content-type": "application/json",
        "content-length": String(body.length),
        "x-github-event": d.event,
        "x-github-delivery": d.id,
        "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`,
      },
    };
  });
  const results = new Array(prepared.length);
  await new Promise((resolve) => {
    process.once("message", resolve);
    process.send({ ready: true });
  });
  const cpuStart = process.cpuUsage();
  const started = now();
  const deadline = started + deadlineMs;
  let done = 0;
  let next = 0;
  const pending = new Set();
  let guard;

  await new Promise((resolve) => {
    const finishIfDone = () => {
      if (done === prepared.length) resolve();
    };
    const send = (i) => {
      const d = prepared[i];
      const sentAt = now();
      const req = http.request({ host: "127.0.0.1", port: target.port, path: target.pathname, method: "POST", headers: d.headers, agent }, (res) => {
        res.resume();
        res.on("end", () => {
          pending.delete(req);
          results[i] = { id: d.id, sentAt, answeredAt: now(), status: res.statusCode };
          done++;
          finishIfDone();
        });
      });
      req.on("error", (e) => {
        pending.delete(req);
        results[i] = { id: d.id, sentAt, answeredAt: now(), status: 0, error: String(e.code ?? e.message) };
        done++;
        finishIfDone();
      });
      pending.add(req);
      req.end(d.body);
    };
    // Send every delivery whose time has come, then sleep a little; no busy loop.
    const tick = () => {
      const t = now();
      while (next < prepared.length && started + (next * 1000) / rate <= t) send(next++);
      if (next < prepared.length) setTimeout(tick, Math.max(1, Math.min(5, started + (next * 1000) / rate - now())));
    };
    tick();
    guard = setInterval(() => {
      if (now() < deadline) return;
      clearInterval(guard);
      for (const req of pending) req.destroy(new Error("deadline"));
      next = prepared.length;
      for (let i = 0; i < prepared.length; i++)
        if (!results[i]) results[i] = { id: prepared[i].id, sentAt: NaN, answeredAt: NaN, status: -1, error: "not sent before the deadline" };
      done = prepared.length;
      resolve();
    }, 100);
  });
  clearInterval(guard);
  agent.destroy();
  const cpu = process.cpuUsage(cpuStart);
  process.send({ results, started, finished: now(), cpuMs: (cpu.user + cpu.system) / 1000 }, () => process.exit(0));
});
