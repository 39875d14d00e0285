import { BOOTSTRAP_ACTOR, CUSTOMER } from '../common/auth/actor.js';
import { CommandBus } from '@nestjs/cqrs';
import { parseArgs } from 'node:util';
import { Clock } from '../common/clock.js';
import { ChangeOrderCommand } from '../orders/commands/change-order.command.js';
import type { CommandContext, WriteResult } from '../orders/commands/order-command-runner.js';
import { PlaceOrderCommand } from '../orders/commands/place-order.command.js';
import { ProjectionsService } from '../projections/projections.service.js';
import { runCli, UsageError, withAppContext } from './cli-app.js';
import { ProgressBar } from './progress-bar.js';
import { planSeed, type SeedAction } from './seed-plan.js';

/**
 * npm run seed -- [--days 7] [--orders 60] [--seed 1]: demo orders spread over
 * the last few days, written through the real command handlers with the app's
 * Clock set to each step's time, so events, timelines and the dashboard's
 * analytics all carry that history.
 */
await runCli('seed', async ({ config, say }) => {
  const { values } = parseArgs({
    options: {
      days: { type: 'string', default: '7' },
      orders: { type: 'string', default: '60' },
      seed: { type: 'string', default: '1' },
      verbose: { type: 'boolean' },
    },
  });
  const days = whole(values.days, 'days', 1, 365);
  const orders = whole(values.orders, 'orders', 1, 10_000);
  const seed = whole(values.seed, 'seed', 0, 2 ** 31);

  await withAppContext(config, async (app) => {
    const commands = app.get(CommandBus);
    const clock = app.get(Clock);
    const steps = planSeed({ days, orders, seed, now: clock.now() });
    // The controllable clock: every command of a step happens at the step's time.
    let at = new Date();
    clock.now = () => new Date(at);

    const ids = new Map<number, string>();
    const bar = new ProgressBar('seeding', steps.length);
    let last: WriteResult | undefined;
    for (const [i, step] of steps.entries()) {
      at = step.at;
      const actor =
        step.action.kind === 'place' || (step.action.kind === 'cancel' && step.action.by === 'customer') ? CUSTOMER : BOOTSTRAP_ACTOR;
      const context: CommandContext = { correlationId: `seed-${seed}-${step.order}`, actor };
      last = await commands.execute(command(step.action, ids.get(step.order), context));
      if (step.action.kind === 'place') ids.set(step.order, last.orderId);
      bar.update(i + 1, `${i + 1}/${steps.length} commands`);
    }
    bar.finish(`${ids.size} orders, ${steps.length} commands over ${days} day(s)`);

    // When no server is running, this process runs the projections: let them catch up before it exits.
    const projections = app.get(ProjectionsService);
    try {
      for (const name of projections.names()) await projections.waitFor(name, last?.position);
      say('The read models are up to date');
    } catch {
      say('The read models are still catching up: the server will finish');
    }
    process.stdout.write(`${JSON.stringify({ orders: ids.size, commands: steps.length, lastPosition: last?.position ?? null })}\n`);
  });
});

function command(action: SeedAction, orderId: string | undefined, context: CommandContext) {
  const id = orderId ?? '';
  switch (action.kind) {
    case 'place': {
      const { customer } = action;
      const input = {
        customer: { ...customer, address: customer.address ?? null },
        items: action.items,
        fulfilment: action.fulfilment,
        notes: action.notes ?? null,
      };
      return new PlaceOrderCommand(input, context);
    }
    case 'confirm':
      return new ChangeOrderCommand(
        'confirm',
        id,
        { estimatedReadyAt: action.estimatedReadyAt, kitchenNotes: action.kitchenNotes ?? null },
        context,
      );
    case 'discount':
      return new ChangeOrderCommand('discount', id, { code: action.code }, context);
    case 'pay':
      return new ChangeOrderCommand('pay', id, { method: action.method, transactionId: null }, context);
    case 'start-cooking':
      return new ChangeOrderCommand('startCooking', id, {}, context);
    case 'ready':
      return new ChangeOrderCommand('ready', id, {}, context);
    case 'dispatch':
      return new ChangeOrderCommand('dispatch', id, { courier: action.courier }, context);
    case 'deliver':
      return new ChangeOrderCommand('deliver', id, {}, context);
    case 'cancel':
      return new ChangeOrderCommand('cancel', id, { reason: action.reason }, context);
    default: {
      const unknown: never = action;
      throw new Error(`Unknown seed action ${JSON.stringify(unknown)}`);
    }
  }
}

function whole(raw: string | undefined, name: string, min: number, max: number): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw ?? '') || value < min || value > max) {
    throw new UsageError(
      `--${name} must be a whole number from ${min} to ${max}, got "${raw}"\nUsage: npm run seed -- [--days 7] [--orders 60] [--seed 1]`,
    );
  }
  return value;
}
