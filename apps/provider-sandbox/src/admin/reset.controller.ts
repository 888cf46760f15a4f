import { Controller, HttpCode, Post } from '@nestjs/common';
import { StreamHub } from '../companies-house-stream/stream-hub';
import { TaskBoard } from '../simulation/task-board';
import { SandboxState } from '../state/sandbox-state';

@Controller('_sandbox')
export class ResetController {
  constructor(
    private readonly state: SandboxState,
    private readonly tasks: TaskBoard,
    private readonly stream: StreamHub,
  ) {}

  /**
   * Back to a fresh start: default settings, no calls counted, no rate windows, failure streams
   * rewound, no pending tasks or webhook deliveries, stream connections dropped.
   */
  @Post('reset')
  @HttpCode(200)
  reset(): { reset: true } {
    this.state.reset();
    this.tasks.reset();
    this.stream.reset();
    return { reset: true };
  }
}
