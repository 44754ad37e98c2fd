// A sweep driver process for the extension host: fork this file (serialization 'advanced'), send one
// startSweep command, receive sweep events and the relayed events of every run, send stopSweep to stop
// gracefully. The host never trains; this process only schedules engine workers.
import type { SweepCommand, SweepProcessEvent } from '../../protocol/sweep';
import { toEngineError } from '../errors';
import { startSweep, type SweepHandle } from './runSweep';

function send(e: SweepProcessEvent): void {
  if (process.connected) process.send?.(e);
}

let handle: SweepHandle | undefined;

process.on('message', (cmd: SweepCommand) => {
  if (!cmd || typeof cmd !== 'object') return;
  if (cmd.type === 'startSweep') {
    if (handle) {
      send({ v: 1, type: 'log', level: 'warn', message: 'A sweep is already running in this process.' });
      return;
    }
    try {
      handle = startSweep(cmd.configPath, {
        parallel: cmd.parallel,
        retryFailed: cmd.retryFailed,
        report: cmd.report,
        attachOnly: cmd.attachOnly,
        onEvent: send,
      });
    } catch (e) {
      const err = toEngineError(e);
      send({ v: 1, type: 'error', message: err.message, code: err.code, file: err.details.file, field: err.details.field });
      setImmediate(() => process.exit(2));
      return;
    }
    void handle.done.then(() => setImmediate(() => process.exit(0)));
  } else if (cmd.type === 'stopSweep') handle?.stop();
  else if (cmd.type === 'shutdown') {
    if (!handle) process.exit(0);
    handle.stop();
  }
});

// The client went away (the editor closed): local runs stop gracefully (they checkpoint), a Slurm sweep's runs
// are left to Slurm; either way the sweep resumes (or is followed again) when started again. SIGTERM stops.
process.on('disconnect', () => {
  if (handle) handle.detach();
  else process.exit(0);
});
process.on('SIGTERM', () => {
  if (handle) handle.stop();
  else process.exit(0);
});

send({ v: 1, type: 'hello', backend: 'sweep', threads: 0, engineVersion: 'sweep', pid: process.pid });
