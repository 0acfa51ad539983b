/** `strata game playtest serve`: the HTTP endpoint game clients stream events to, until SIGINT/SIGTERM. */
import { z } from 'zod';
import { defineCommand, shortId } from '../../../porcelain/cli/index.js';

export const playtestServeCommand = defineCommand({
  command: 'serve',
  describe: 'Receive playtest events over HTTP (journalled and fsync\'d before each answer); recover interrupted sessions at start',
  group: 'persona',
  builder: (y) =>
    y
      .option('port', { type: 'number', describe: 'port (default 8765; 0: any free port)' })
      .option('host', { type: 'string', describe: 'address to listen on (default 127.0.0.1, loopback only)' })
      .option('idle-timeout', { type: 'number', describe: 'seconds without a request after which an open session is stored as interrupted (default 600)' }),
  schema: z.object({ port: z.number().int().min(0).max(65535).optional(), host: z.string().min(1).optional(), idleTimeout: z.number().positive().optional() }),
  run: async (args, ctx) => {
    // The CLI root's handlers end the process at once on a signal; a server first finishes its work.
    // Ours are installed before anything starts (a signal taken by a handler being replaced is lost).
    let signalled: string | undefined;
    let onSignal: (signal: string) => void = (signal) => (signalled ??= signal);
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.removeAllListeners(signal);
      process.on(signal, () => onSignal(signal));
    }
    const repo = await ctx.openRepo();
    const { startPlaytestServer } = await import('../ops/playtest-server.js');
    const line = (value: Record<string, unknown>, text: string): void => (ctx.json ? ctx.printJson(value) : ctx.print(text));
    const server = await startPlaytestServer({
      repo,
      port: args.port ?? 8765,
      ...(args.host === undefined ? {} : { host: args.host }),
      ...(args.idleTimeout === undefined ? {} : { idleTimeoutMs: args.idleTimeout * 1000 }),
      onSessionStarted: (s) => line({ message_type: 'session_started', ...s }, `session ${s.session} started (version ${shortId(s.version)}${s.player === undefined ? '' : `, player ${s.player}`})`),
      onSessionStored: (s) =>
        line(
          { message_type: 'session_stored', client: s.client, session: s.session.id, version: s.session.version, events: s.session.summary.events, interrupted: s.interrupted, recovered: s.recovered },
          `session ${s.client} stored as ${shortId(s.session.id)}: ${s.session.summary.events} events${s.interrupted ? (s.recovered ? ' (recovered from the journal)' : ' (interrupted)') : ''}`,
        ),
      onWarning: (m) => ctx.warn(m),
    });
    if (!['127.0.0.1', '::1', 'localhost'].includes(server.host)) ctx.warn(`listening on ${server.host}, beyond loopback: the endpoint has no authentication, anyone who reaches it can add sessions`);
    line({ message_type: 'listening', url: server.url, host: server.host, port: server.port, recovered: server.recovered.length }, `listening on ${server.url} (POST /sessions, /sessions/<id>/events, /sessions/<id>/end); ${server.recovered.length} session(s) recovered`);
    await new Promise<void>((resolve) => {
      let stopping = false;
      onSignal = (signal: string): void => {
        if (stopping) return;
        stopping = true;
        line({ message_type: 'stopping', signal, open: server.openSessions() }, `${signal}: finishing requests in flight, storing ${server.openSessions()} open session(s)`);
        server.close().then(
          (r) => {
            line({ message_type: 'stopped', stored: r.stored.length }, `stopped (${r.stored.length} open session(s) stored)`);
            resolve();
          },
          (err: unknown) => {
            ctx.warn(`stopping: ${(err as Error).message}`);
            ctx.setExitCode(1);
            resolve();
          },
        );
      };
      if (signalled !== undefined) onSignal(signalled);
    });
  },
});
