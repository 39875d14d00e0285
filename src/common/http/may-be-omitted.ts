import { ValidateIf } from 'class-validator';

/**
 * An optional field: it may be left out, but when it is sent it must pass its
 * rules. class-validator's @IsOptional() also lets `null` through every rule,
 * and a handler that tests `!== undefined` then meets a null it was never
 * promised (`{"discountCode": null}` on POST /menu/quote was a 500). No field
 * of this API takes null, so null is validated like any other value: 400.
 */
export const MayBeOmitted = (): PropertyDecorator => ValidateIf((_object: object, value: unknown) => value !== undefined);
