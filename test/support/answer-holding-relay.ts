import { type RelayPair, TcpRelay } from './tcp-relay';

interface HeldAnswer {
  pair: RelayPair;
  chunks: Buffer[];
  /** The server closed its side while the answer was held: the pair is dropped once it is let go. */
  closed: boolean;
}

/**
 * A {@link TcpRelay} in front of a real HTTP server (the provider sandbox) that can hold an answer
 * on its way back: {@link holdNextAnswer} keeps the next bytes the server sends, on whichever
 * connection, from the app until {@link release}. The server has then done the work and written
 * its answer (a balance it has read, say); the app has not seen it yet, as over a slow network.
 * It can hold a request on its way out the same way ({@link holdNextRequest}, until
 * {@link releaseRequests}): the app has sent it, the server has not seen it yet.
 * What comes after on other connections passes as usual.
 */
export class AnswerHoldingRelay extends TcpRelay {
  private holdingNext = false;
  private readonly heldAnswers = new Map<RelayPair, HeldAnswer>();
  /** Answers held so far (released or not). */
  answersHeld = 0;
  private holdingNextRequest = false;
  private readonly heldRequests = new Map<RelayPair, Buffer[]>();
  /** Requests held so far (released or not). */
  requestsHeld = 0;

  /** Holds the next request the app starts to send, until {@link releaseRequests}. */
  holdNextRequest(): void {
    this.holdingNextRequest = true;
  }

  /** Passes the requests held on to the server, and lets what follows through. */
  releaseRequests(): void {
    for (const [pair, chunks] of [...this.heldRequests]) {
      this.heldRequests.delete(pair);
      for (const chunk of chunks) {
        pair.upstream.write(chunk);
      }
    }
  }

  /** Holds the next answer the server starts to send, until {@link release}. */
  holdNextAnswer(): void {
    this.holdingNext = true;
  }

  /** Passes the answers held on to the app, and lets what follows through. */
  release(): void {
    for (const answer of [...this.heldAnswers.values()]) {
      this.heldAnswers.delete(answer.pair);
      for (const chunk of answer.chunks) {
        answer.pair.client.write(chunk);
      }
      if (answer.closed) {
        super.drop(answer.pair);
      }
    }
  }

  override async stop(): Promise<void> {
    this.releaseRequests();
    this.release();
    await super.stop();
  }

  protected override pipe(pair: RelayPair): void {
    pair.client.on('data', (chunk: Buffer) => {
      let request = this.heldRequests.get(pair);
      if (!request && this.holdingNextRequest) {
        this.holdingNextRequest = false;
        this.requestsHeld += 1;
        request = [];
        this.heldRequests.set(pair, request);
      }
      if (request) {
        request.push(chunk);
        return;
      }
      pair.upstream.write(chunk);
    });
    pair.upstream.on('data', (chunk: Buffer) => {
      let answer = this.heldAnswers.get(pair);
      if (!answer && this.holdingNext) {
        this.holdingNext = false;
        this.answersHeld += 1;
        answer = { pair, chunks: [], closed: false };
        this.heldAnswers.set(pair, answer);
      }
      if (answer) {
        answer.chunks.push(chunk);
        return;
      }
      pair.client.write(chunk);
    });
  }

  protected override drop(pair: RelayPair): void {
    // A server that closes an idle connection after its answer must not take the held answer with it.
    const answer = this.heldAnswers.get(pair);
    if (answer) {
      answer.closed = true;
      return;
    }
    super.drop(pair);
  }
}
