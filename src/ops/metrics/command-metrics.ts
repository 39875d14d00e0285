import { Injectable, type OnModuleInit } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { performance } from 'node:perf_hooks';
import { ErrorFilter } from '../../common/errors/error.filter.js';
import { Drain } from '../shutdown/drain.js';
import { Metrics } from './metrics.js';

/**
 * Times and counts every command, whoever sends it, and keeps count of those
 * in flight for a graceful shutdown. @nestjs/cqrs has no middleware for its
 * CommandBus, so the one bus instance's `execute` is wrapped here; the outcome
 * and code come from the same mapping the HTTP answers use (ErrorFilter), so
 * `code` is the one the client saw.
 */
@Injectable()
export class CommandMetrics implements OnModuleInit {
  private readonly errors = new ErrorFilter();

  constructor(
    private readonly bus: CommandBus,
    private readonly metrics: Metrics,
    private readonly drain: Drain,
  ) {}

  onModuleInit(): void {
    const execute = this.bus.execute.bind(this.bus) as (command: object, ...rest: unknown[]) => Promise<unknown>;
    const instrumented = async (command: object, ...rest: unknown[]): Promise<unknown> => {
      const name = command.constructor.name.replace(/Command$/, '');
      const started = performance.now();
      this.drain.commandStarted();
      this.metrics.commandsInFlight.inc();
      try {
        const result = await execute(command, ...rest);
        this.metrics.commandFinished(name, 'ok', '', (performance.now() - started) / 1000);
        return result;
      } catch (error) {
        const { statusCode, code } = this.errors.toBody(error);
        this.metrics.commandFinished(name, statusCode < 500 ? 'rejected' : 'failed', code, (performance.now() - started) / 1000);
        throw error;
      } finally {
        this.metrics.commandsInFlight.dec();
        this.drain.commandFinished();
      }
    };
    this.bus.execute = instrumented as CommandBus['execute'];
  }
}
