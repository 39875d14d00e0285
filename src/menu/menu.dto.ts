import { ApiProperty } from '@nestjs/swagger';

/** GET /menu, as the OpenAPI document shows it. */
export class PizzaPricesView {
  @ApiProperty({ example: 900 })
  small!: number;

  @ApiProperty({ example: 1200 })
  medium!: number;

  @ApiProperty({ example: 1500 })
  large!: number;
}

export class MenuPizzaView {
  @ApiProperty({ example: 'margherita' })
  id!: string;

  @ApiProperty({ example: 'Margherita' })
  name!: string;

  @ApiProperty({ example: 'San Marzano tomato, fior di latte, fresh basil, olive oil' })
  description!: string;

  @ApiProperty({ type: () => PizzaPricesView, description: 'Price of each size, in cents' })
  priceCents!: PizzaPricesView;
}

export class MenuToppingView {
  @ApiProperty({ example: 'extra-cheese' })
  id!: string;

  @ApiProperty({ example: 'Extra cheese' })
  name!: string;

  @ApiProperty({ example: 150 })
  priceCents!: number;
}

export class MenuView {
  @ApiProperty({ description: 'Goes up with every price or catalogue change', example: 1 })
  version!: number;

  @ApiProperty({ type: () => [MenuPizzaView] })
  pizzas!: MenuPizzaView[];

  @ApiProperty({ type: () => [MenuToppingView] })
  toppings!: MenuToppingView[];
}
