/** The public progress page of a case (the receipt's QR code and the SMS point at it). */
export function publicTrackUrl(publicBaseUrl: string, caseNo: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/public/track?caseNo=${encodeURIComponent(caseNo)}`;
}
