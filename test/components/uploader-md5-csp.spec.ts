import { expect } from '@open-wc/testing';
import { md5 as md5Hex } from 'hash-wasm';
import { md5Of, toHex } from '../../components/uploader/md5';
import { md5WorkerRunning } from '../../components/uploader/md5-off-thread';
import { spyOnWorkers } from './support/worker-spy';

/**
 * A Moodle site whose Content-Security-Policy has no `worker-src blob:`
 * (nor a script-src that allows it): the browser refuses the hashing worker,
 * and the page hashes on its main thread instead, with the same digests. A
 * page of its own (a policy cannot be taken back once the page has it).
 */

describe('MD5 where the page’s Content-Security-Policy refuses workers', () => {
  before(() => {
    const policy = document.createElement('meta');
    policy.httpEquiv = 'Content-Security-Policy';
    policy.content = "worker-src 'none'";
    document.head.append(policy);
  });

  it('hashes on the main thread, right, and asks for no worker again', async () => {
    const refused: string[] = [];
    document.addEventListener('securitypolicyviolation', (e) => refused.push(e.effectiveDirective));
    const spy = spyOnWorkers();
    try {
      const bytes = new Uint8Array(5 * 1024 * 1024 + 3).map((_, i) => (i * 31) & 0xff);
      const blob = new Blob([bytes]);
      expect(toHex(await md5Of(blob))).to.equal(await md5Hex(bytes));
      expect(refused).to.include('worker-src');
      const tries = spy.made.length + refused.length;
      expect(toHex(await md5Of(new Blob(['abc'])))).to.equal('900150983cd24fb0d6963f7d28e17f72');
      expect(spy.made.length + refused.length, 'no second attempt').to.equal(tries);
      expect(md5WorkerRunning()).to.equal(false);
    } finally {
      spy.restore();
    }
  });
});
