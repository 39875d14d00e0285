import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { ApiError } from '../errors/api-error.js';

/** Whitelisting validation whose failures name every bad field, as the contract's 400 does. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    // Commands without input use a class with no rules; the whitelist still rejects any field sent.
    forbidUnknownValues: false,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => ApiError.validation(flatten(errors)),
  });
}

function flatten(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => {
      const bare = message.replace(/^property /, '');
      return bare.startsWith(error.property) ? path + bare.slice(error.property.length) : `${path} ${bare}`;
    });
    return [...own, ...flatten(error.children ?? [], path)];
  });
}
