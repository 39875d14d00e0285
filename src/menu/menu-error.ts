import { AppError } from '../common/errors/app-error.js';

// Raised when a client asks for something the menu does not have. It carries
// every problem at once so a client can fix its whole request in one go.
export class MenuError extends AppError {
  constructor(readonly problems: string[]) {
    super('VALIDATION_FAILED', problems);
  }
}
