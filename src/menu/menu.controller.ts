import { Controller, Get, Header } from '@nestjs/common';
import { MENU } from './menu.data.js';

@Controller('menu')
export class MenuController {
  @Get()
  @Header('Cache-Control', 'public, max-age=60')
  menu() {
    return {
      version: MENU.version,
      pizzas: MENU.pizzas.map(({ id, name, description, priceCents }) => ({ id, name, description, priceCents })),
      toppings: MENU.toppings.map(({ id, name, priceCents }) => ({ id, name, priceCents })),
    };
  }
}
