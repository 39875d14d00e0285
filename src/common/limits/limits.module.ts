import { Module } from '@nestjs/common';
import { WindowCounters } from './window-counters.js';

/** Counters that hold across instances, for the limits that must. */
@Module({ providers: [WindowCounters], exports: [WindowCounters] })
export class LimitsModule {}
