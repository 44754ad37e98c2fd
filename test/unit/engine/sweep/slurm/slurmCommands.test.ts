// What the sweep reads from Slurm's commands: squeue's task lines, sacct's job and step lines (running out of memory
// is often on the batch step only; "CANCELLED by <uid>"; exit codes and signals), Slurm's reason for a refusal and
// the field it is about; and, on the tests' own cluster (which keeps no accounting), that sacct's silence is
// "no accounting here" rather than an error.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { accountedJobs, fieldOfRefusal, parseSacct, parseSqueue, slurmReason } from '../../../../../src/engine/sweep/slurm/slurmCommands';
import { schedulerPhase } from '../../../../../src/engine/sweep/slurm/jobStates';
import { slurmUnavailable, startSlurmCluster, type SlurmCluster } from '../../../../fixtures-builders/slurmCluster';

describe('squeue lines', () => {
  it('reads job, array job, task, state and reason, and leaves out what is no task', () => {
    const tasks = parseSqueue(['4212|4211|7|PENDING|Priority', '4213|4211|8|RUNNING|None', '4211|4211|N/A|PENDING|Resources', 'garbage', ''].join('\n'));
    assert.deepEqual(tasks, [
      { jobId: '4211_7', arrayJobId: '4211', index: 7, state: 'PENDING', reason: 'Priority' },
      { jobId: '4211_8', arrayJobId: '4211', index: 8, state: 'RUNNING', reason: undefined },
    ]);
  });
});

describe('sacct lines', () => {
  it('takes the job line state, the batch step for running out of memory, and exit codes with signals', () => {
    const jobs = parseSacct(
      [
        '4211_0|COMPLETED|0:0',
        '4211_0.batch|COMPLETED|0:0',
        '4211_1|TIMEOUT|0:15',
        '4211_1.batch|CANCELLED|0:15',
        '4211_2.batch|OUT_OF_MEMORY|0:125',
        '4211_2|FAILED|0:125',
        '4211_3|CANCELLED by 1000|0:15',
        '4211_4|FAILED|127:0',
        '4211_[5-9]|PENDING|0:0',
        '',
      ].join('\n'),
    );
    assert.deepEqual([...jobs.keys()], ['4211_0', '4211_1', '4211_2', '4211_3', '4211_4']);
    assert.equal(jobs.get('4211_0')!.state, 'COMPLETED');
    assert.equal(jobs.get('4211_1')!.state, 'TIMEOUT');
    assert.equal(jobs.get('4211_1')!.exitCode, 143);
    assert.equal(jobs.get('4211_2')!.state, 'OUT_OF_MEMORY');
    assert.equal(schedulerPhase(jobs.get('4211_2')!.state), 'outOfMemory');
    assert.equal(schedulerPhase(jobs.get('4211_3')!.state), 'interrupted');
    assert.equal(jobs.get('4211_4')!.exitCode, 127);
  });

  it('keeps the out-of-memory state when the step line comes after the job line', () => {
    const jobs = parseSacct('4211_2|FAILED|0:125\n4211_2.batch|OUT_OF_MEMORY|0:125\n4211_2.extern|COMPLETED|0:0\n');
    assert.equal(jobs.get('4211_2')!.state, 'OUT_OF_MEMORY');
  });
});

describe("Slurm's reasons", () => {
  it('quotes the reason without its prefixes and names the field it is about', () => {
    const reason = slurmReason('sbatch: error: Batch job submission failed: Invalid partition name specified\n');
    assert.equal(reason, 'Invalid partition name specified');
    assert.equal(fieldOfRefusal(reason), 'executor.partition');
    assert.equal(fieldOfRefusal('Requested time limit is invalid (missing or exceeds some limit)'), 'executor.time');
    assert.equal(fieldOfRefusal('Memory required by task is not available'), 'executor.mem');
    assert.equal(slurmReason(''), 'no reason given');
  });
});

const skip = slurmUnavailable();
describe('sacct on a cluster without accounting', { skip }, () => {
  let cluster: SlurmCluster;
  before(async () => {
    cluster = await startSlurmCluster();
  });
  after(async () => {
    await cluster?.stop();
  });

  it('says there is no accounting (undefined) instead of failing, and asks nothing for no jobs', async () => {
    assert.equal(await accountedJobs(['1_0'], { env: cluster.env }), undefined);
    assert.deepEqual(await accountedJobs([], { env: cluster.env }), new Map());
  });
});
