import { Controller, HttpCode, Post } from '@nestjs/common';
import { SandboxState } from '../state/sandbox-state';

@Controller('_sandbox')
export class ResetController {
  constructor(private readonly state: SandboxState) {}

  /** Back to a fresh start: default settings, no calls counted, no rate windows, failure streams rewound. */
  @Post('reset')
  @HttpCode(200)
  reset(): { reset: true } {
    this.state.reset();
    return { reset: true };
  }
}
