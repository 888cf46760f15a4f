/**
 * The drift between two balance readings: what the provider took beyond (or short of) what the
 * ledger charged over the same interval, as little as the calls in flight at either reading
 * explain. A call reserved at a reading may or may not have been charged by the provider by then
 * (most are not: a provider charges when its work is done, an asynchronous task holds its
 * reservation for as long as it runs, and a miss charges nothing). So what the provider took in
 * the interval is the ledger's charges, plus those it took before this reading and the ledger has
 * not settled yet (at most `reserved`), less those the ledger settled in the interval that it took
 * before the previous reading (at most `previousReserved`), plus the drift. The drift is thus
 * anywhere in `[took − charged − reserved, took − charged + previousReserved]`; the value nearest
 * to 0 is reported, 0 when the calls in flight account for the whole difference. Counting every
 * reservation as charged (as before) alerted on any batch in flight at a reading, by the number of
 * credits it held: by minus that at the reading and by plus at the next.
 */
export function balanceDrift(
  took: number,
  charged: number,
  reserved: number,
  previousReserved: number,
): number {
  const raw = took - charged;
  if (raw > reserved) {
    return raw - reserved;
  }
  if (raw < -previousReserved) {
    return raw + previousReserved;
  }
  return 0;
}
