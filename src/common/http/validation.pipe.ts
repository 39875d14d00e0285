import { type ArgumentMetadata, type PipeTransform, ValidationPipe, type ValidationError } from '@nestjs/common';
import { AppError } from '../errors/app-error.js';

/**
 * Whitelisting validation whose failures name every bad field, as the
 * contract's 400 does, with one message per field: the most basic rule a value
 * breaks (missing, then of the wrong type, then blank, then out of range), so
 * `quantity: "2"` says it must be a whole number, not also that it is too big.
 *
 * Unknown body fields are refused (400); unknown query parameters are ignored
 * on every route, so a cache-busting `?_=123` or a tracking parameter never
 * breaks a read. Known ones are validated as ever.
 */
export function createValidationPipe(): PipeTransform {
  const options = {
    whitelist: true,
    transform: true,
    // Commands without input use a class with no rules; the whitelist still rejects any field sent.
    forbidUnknownValues: false,
    validationError: { target: false, value: false },
    exceptionFactory: (errors: ValidationError[]) => AppError.validation(flatten(errors)),
  };
  const body = new ValidationPipe({ ...options, forbidNonWhitelisted: true });
  const query = new ValidationPipe({ ...options, forbidNonWhitelisted: false });
  return {
    transform: (value: unknown, metadata: ArgumentMetadata) => (metadata.type === 'query' ? query : body).transform(value, metadata),
  };
}

/** Lower ranks are more basic: the one message kept for a field is from its lowest-ranked broken rule. */
const RANK: Record<string, number> = {
  whitelistValidation: 0,
  isDefined: 1,
  isObject: 2,
  isArray: 2,
  isString: 2,
  isInt: 2,
  isNumber: 2,
  isBoolean: 2,
  isIn: 2,
  isEnum: 2,
  isUuid: 2,
  isIso8601: 2,
  isNotEmpty: 3,
  arrayMinSize: 3,
};

function flatten(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {})
      .sort(([a], [b]) => (RANK[a] ?? 4) - (RANK[b] ?? 4))
      .slice(0, 1)
      .map(([, message]) => {
        const bare = message.replace(/^property /, '');
        return bare.startsWith(error.property) ? path + bare.slice(error.property.length) : `${path} ${bare}`;
      });
    return [...own, ...flatten(error.children ?? [], path)];
  });
}
