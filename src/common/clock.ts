import { Injectable } from '@nestjs/common';

/** The one source of time for the write side; tests replace it to control time. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
