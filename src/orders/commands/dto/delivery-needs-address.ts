import { registerDecorator, type ValidationArguments } from 'class-validator';

/**
 * On PlaceOrderDto.fulfilment: "delivery" needs a non-blank customer.address.
 * (The order itself holds the same rule; this names the field in the 400.)
 */
export function DeliveryNeedsAddress(): PropertyDecorator {
  return (target, property) =>
    registerDecorator({
      name: 'deliveryNeedsAddress',
      target: target.constructor,
      propertyName: property as string,
      options: { message: 'fulfilment delivery needs customer.address: it must not be blank' },
      validator: {
        validate(value: unknown, args: ValidationArguments): boolean {
          if (value !== 'delivery') return true;
          const address = (args.object as { customer?: { address?: unknown } }).customer?.address;
          return typeof address === 'string' && address.trim() !== '';
        },
      },
    });
}
