import { Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../../config/app-config.js';

export type TokenVerdict = 'missing' | 'invalid' | 'staff';

@Injectable()
export class StaffToken {
  private readonly expected: Buffer;

  constructor(config: AppConfig) {
    this.expected = digest(config.staffApiToken);
  }

  /** Compares digests in constant time, so neither content nor length leaks through timing. */
  check(authorization: string | undefined): TokenVerdict {
    if (!authorization) return 'missing';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) return 'invalid';
    return timingSafeEqual(digest(match[1]), this.expected) ? 'staff' : 'invalid';
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
