import { Injectable, type OnModuleInit } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { performance } from 'node:perf_hooks';
import { errorBody } from '../../common/errors/error-body.js';
import { Drain } from '../shutdown/drain.js';
import { Metrics } from './metrics.js';

/**
 * Times and counts every command, whoever sends it, and keeps count of those
 * in flight for a graceful shutdown. @nestjs/cqrs has no middleware for its
 * CommandBus, so the one bus instance's `execute` is wrapped here; the outcome
 * and code come from the same mapping the HTTP answers use (errorBody), so
 * `code` is the one the client saw.
 */
@Injectable()
export class CommandMetrics implements OnModuleInit {
  constructor(
    private readonly bus: CommandBus,
    private readonly metrics: Metrics,
    private readonly drain: Drain,
  ) {}

  onModuleInit(): void {
    const execute = this.bus.execute.bind(this.bus) as (command: object, ...rest: unknown[]) => Promise<unknown>;
    const instrumented = async (command: object, ...rest: unknown[]): Promise<unknown> => {
      // A command that stands for several (ChangeOrderCommand) names the one it is.
      const named = (command as { commandName?: unknown }).commandName;
      const name = typeof named === 'string' ? named : command.constructor.name.replace(/Command$/, '');
      const started = performance.now();
      this.drain.commandStarted();
      this.metrics.commandsInFlight.inc();
      try {
        const result = await execute(command, ...rest);
        this.metrics.commandFinished(name, 'ok', '', (performance.now() - started) / 1000);
        return result;
      } catch (error) {
        const { statusCode, code } = errorBody(error);
        this.metrics.commandFinished(name, statusCode < 500 ? 'rejected' : 'failed', code, (performance.now() - started) / 1000);
        throw error;
      } finally {
        this.metrics.commandsInFlight.dec();
        this.drain.commandFinished();
      }
    };
    this.bus.execute = instrumented;
  }
}
