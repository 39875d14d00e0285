import { Module } from '@nestjs/common';
import { IdempotencyModule } from '../common/idempotency/idempotency.module.js';
import { MenuController } from './menu.controller.js';
import { PriceQuoteController } from './price-quote.controller.js';

@Module({ imports: [IdempotencyModule], controllers: [MenuController, PriceQuoteController] })
export class MenuModule {}
