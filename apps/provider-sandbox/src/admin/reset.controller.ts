import { Controller, HttpCode, Post } from '@nestjs/common';
import { TaskBoard } from '../simulation/task-board';
import { SandboxState } from '../state/sandbox-state';

@Controller('_sandbox')
export class ResetController {
  constructor(
    private readonly state: SandboxState,
    private readonly tasks: TaskBoard,
  ) {}

  /** Back to a fresh start: default settings, no calls counted, no rate windows, failure streams rewound. */
  @Post('reset')
  @HttpCode(200)
  reset(): { reset: true } {
    this.state.reset();
    this.tasks.reset();
    return { reset: true };
  }
}
