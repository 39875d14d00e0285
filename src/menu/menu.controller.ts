import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MenuView } from './menu.dto.js';
import { MENU } from './menu.data.js';

@ApiTags('menu')
@Controller('menu')
export class MenuController {
  @Get()
  @Header('Cache-Control', 'public, max-age=60')
  @ApiOperation({ summary: 'The pizzas and toppings, with prices in cents (anyone)' })
  @ApiOkResponse({ type: MenuView })
  menu() {
    return {
      version: MENU.version,
      pizzas: MENU.pizzas.map(({ id, name, description, priceCents }) => ({ id, name, description, priceCents })),
      toppings: MENU.toppings.map(({ id, name, priceCents }) => ({ id, name, priceCents })),
    };
  }
}
