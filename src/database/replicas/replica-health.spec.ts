import { judge, STARTING, unreachable } from './replica-health.js';

const AT = new Date('2026-12-01T12:00:00.000Z');
const healthy = { inRecovery: true, replayPaused: false, lagBytes: 0, lagSeconds: 0 };

describe('the rotation rules', () => {
  it('keeps a standby whose replay is within the limit in rotation, paused or not', () => {
    expect(judge(healthy, 10, AT)).toMatchObject({
      state: 'serving',
      serving: true,
      lagBytes: 0,
      lagSeconds: 0,
      checkedAt: AT.toISOString(),
    });
    expect(judge({ ...healthy, replayPaused: true, lagBytes: 4096, lagSeconds: 10 }, 10, AT)).toMatchObject({
      state: 'serving',
      serving: true,
      replayPaused: true,
    });
  });

  it('takes out a replica lagging past the limit, saying by how much', () => {
    const health = judge({ ...healthy, lagBytes: 1 << 20, lagSeconds: 10.4 }, 10, AT);
    expect(health).toMatchObject({ state: 'lagging', serving: false, lagBytes: 1 << 20, lagSeconds: 10.4 });
    expect(health.reason).toBe('its replay is 10 s behind (more than 10 s)');
  });

  it('takes out a promoted replica, however current it is', () => {
    expect(judge({ ...healthy, inRecovery: false }, 10, AT)).toMatchObject({ state: 'promoted', serving: false });
  });

  it('starts out of rotation, and an unreachable replica keeps its last known lag', () => {
    expect(STARTING.serving).toBe(false);
    const before = judge({ ...healthy, lagBytes: 100, lagSeconds: 0.5 }, 10, AT);
    expect(unreachable(AT, before)).toMatchObject({ state: 'unreachable', serving: false, lagBytes: 100, lagSeconds: 0.5 });
  });
});
