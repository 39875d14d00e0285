import { Module } from '@nestjs/common';
import { MenuController } from './menu.controller.js';
import { PriceQuoteController } from './price-quote.controller.js';

@Module({ controllers: [MenuController, PriceQuoteController] })
export class MenuModule {}
