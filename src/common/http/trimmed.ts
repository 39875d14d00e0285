import { Transform } from 'class-transformer';

/** Leading and trailing white space dropped before validation, so "   " is blank, not a name. */
export const Trimmed = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));
