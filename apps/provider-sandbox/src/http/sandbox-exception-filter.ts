import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';

/**
 * Every error the sandbox's own surface raises becomes `{"message": "..."}` with its status; anything
 * unexpected is logged and answered 500 without internals. (Provider endpoints answer in each
 * provider's own error style and never throw for bad input.)
 */
@Catch()
export class SandboxExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('provider-sandbox');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) {
      return;
    }
    if (exception instanceof HttpException) {
      response.status(exception.getStatus()).json({ message: messageOf(exception) });
      return;
    }
    this.logger.error(
      exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
    );
    response.status(500).json({ message: 'The sandbox failed unexpectedly; the error is in its log.' });
  }
}

function messageOf(exception: HttpException): string {
  const raw = exception.getResponse();
  if (typeof raw === 'string') {
    return raw;
  }
  const message = (raw as { message?: unknown }).message;
  if (typeof message === 'string') {
    return message;
  }
  if (Array.isArray(message)) {
    return message.map(String).join('; ');
  }
  return exception.message;
}
