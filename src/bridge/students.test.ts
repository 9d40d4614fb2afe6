import { describe, expect, it } from 'vitest';
import type { WorkerRequest } from '../protocol/messages';
import type { StudentModel } from '../protocol/runFileIo';
import { StudentRequests } from './students';

const student: StudentModel = { modelTopology: {}, weightSpecs: [{ name: 'b', shape: [1], dtype: 'float32' }], weightData: new Float32Array([2]).buffer };

describe('student requests', () => {
  it('asks once per run, settles every waiter with the answer, and fails without a worker or after a crash', async () => {
    const sent: WorkerRequest[] = [];
    const requests = new StudentRequests();
    const a = requests.request(3, (m) => sent.push(m));
    const b = requests.request(3, (m) => sent.push(m));
    const c = requests.request(4, (m) => sent.push(m));
    expect(sent).toEqual([{ type: 'get-student', runId: 3 }, { type: 'get-student', runId: 4 }]);
    requests.receive({ type: 'student', runId: 3, student });
    requests.receive({ type: 'student', runId: 4, student: null, message: 'not kept' });
    expect(await a).toEqual({ ok: true, student });
    expect(await b).toEqual({ ok: true, student });
    expect(await c).toEqual({ ok: false, message: 'not kept' });
    expect(await requests.request(5, null)).toEqual({ ok: false, message: expect.stringMatching(/worker is not running/) });
    const d = requests.request(6, () => undefined);
    requests.failAll('crashed');
    expect(await d).toEqual({ ok: false, message: 'crashed' });
  });
});
