#pragma once
// The kiosks HTTP API (issue 9 item 4), as plain functions of the request (no
// sockets). A kiosk is a clinic tablet: an admin enrols it with a one-time
// code, it keeps a long-lived credential and an X25519 key pair it made, and
// providers send it visits whose link fragment is sealed to that key, so the
// gateway learns nothing it could join with.
//
// Admin (session cookie, CSRF and Origin as in account_api.hpp; a provider gets 403):
//   POST /api/admin/kiosks {"label"}  -> 201 {"code","expires"}: the one-time
//        enrolment code, shown once: 128 random bits as RFC 4648 base32 in
//        groups of four ("ABCD-EFGH-...-XY", 32 characters), easy to type on
//        a tablet and QR alphanumeric mode as it stands; valid 15 minutes.
//        The label (1-64 bytes of printable text) names the device, not a
//        person. At most kMaxPendingEnrolments unused codes and kMaxKiosks
//        kiosks (429).
//   GET  /api/admin/kiosks -> 200 [{"id","label","enrolled","last_seen","revoked"}]
//   POST /api/admin/kiosks/ID/revoke -> 200: its credential stops working at
//        once (401), its inbox is emptied, and every signaling WebSocket it
//        holds is closed with 4013 (SignalingHub::revoke_kiosk).
// Tablet:
//   POST /api/kiosk/enrol {"code","public_key"} -> 201 {"kiosk","poll_seconds"}
//        and Set-Cookie: __Host-tessera-kiosk=ID.CREDENTIAL; HttpOnly; Secure;
//        SameSite=Strict; Path=/; Max-Age=400 days. The code as shown (case,
//        dashes and spaces do not matter); public_key: X25519, 43 base64url
//        characters. The credential (256 random bits, stored hashed) is never
//        in a URL or a body: page script cannot read or leak it, and the
//        browser sends it with every later request and with the /signal
//        upgrade. There is no session and no CSRF token yet, so what guards
//        this request is an allowed Origin, the code itself (one-time, 15
//        minutes, 128 bits) and a per-address throttle (the sign-in one's
//        kind: 10 attempts, one more every 30 s; then 429). Every refusal of
//        the code (unknown, used, expired, malformed) is the same
//        401 {"error":"enrolment failed"}.
//   GET  /api/kiosk/me    -> 200 {"kiosk","label","poll_seconds"}, and the
//        cookie renewed for another 400 days (browsers cap cookie lifetime
//        there); 401 when not enrolled or revoked.
//   GET  /api/kiosk/inbox -> 200 {"items":[{"visit","sealed","expires"}],"poll_seconds"}:
//        every item handed over once and deleted (kiosk_inbox.hpp). Tablets
//        poll it every kKioskPollSeconds. A fetch consumes, so it is refused
//        (403) when the browser marks it as coming from another page: an
//        Origin not on the allowlist, or Sec-Fetch-Site other than same-origin.
// Provider:
//   GET  /api/kiosks -> 200 [{"id","label","public_key","last_seen"}], revoked ones left out
//   POST /api/kiosks/ID/visits {"visit","sealed"} -> 201 {"kiosk","visit","expires"}:
//        sealed is crypto_box_seal(link fragment, kiosk key), base64url,
//        kMinKioskSealedBytes..kMaxKioskSealedBytes when decoded. Only the
//        caller's own open visit: another provider's answers like an unknown
//        one (404), and so does an unknown or revoked kiosk. An admin gets 403.
//        At most kMaxKioskInboxItems per kiosk (429).
// A kiosk cookie signs nobody in to the provider and admin routes (401 there).
// Audit, in the same transaction as the store write, pseudonymous refs only
// (never a label, code, credential or sealed bytes): kiosk_enrolment_created
// (acct:N), kiosk_enrolled (kiosk:N), visit_sent_to_kiosk (acct:N,
// "visit:..._kiosk:N"), kiosk_revoked (acct:N, kiosk:N). Nothing here logs.
#include <memory>
#include <optional>
#include <string>

#include "gateway/account_api.hpp"
#include "gateway/http_headers.hpp"
#include "gateway/kiosk_store.hpp"
#include "gateway/sign_in.hpp"

namespace tessera::gateway {

inline constexpr std::string_view kKioskCookie = "__Host-tessera-kiosk";
inline constexpr std::int64_t kKioskCookieMaxAgeSeconds = 400LL * 24 * 60 * 60;
// How often a tablet fetches its inbox; sent to it in every answer.
inline constexpr std::int64_t kKioskPollSeconds = 5;
inline constexpr std::string_view kEnrolmentFailed = "enrolment failed";
// Characters per group of the code as shown ("ABCD-EFGH-...").
inline constexpr std::size_t kEnrolmentCodeGroup = 4;

// The enrolment code as shown to the admin, and back.
[[nodiscard]] std::string enrolment_code_text(const EnrolmentCode& code);
[[nodiscard]] std::optional<EnrolmentCode> parse_enrolment_code(std::string_view text);

class SignalingHub;
class Storage;

class KioskApi {
 public:
  // hub: whose WebSockets a revoked kiosk loses; null when signaling is off.
  KioskApi(Storage& storage, std::shared_ptr<AccountApi> accounts, std::shared_ptr<SignalingHub> hub);

  // The answer for a kiosk target (above), or nullopt for every other one.
  // remote_address: the peer's IP as text (for the enrolment throttle).
  [[nodiscard]] std::optional<Response> handle(const Request& req, const std::string& remote_address, WallClock now);

  // For a /signal upgrade. refused: it carries a kiosk cookie that is
  // malformed, unknown or revoked (answer 401, so a revoked tablet knows);
  // otherwise kiosk is the one it authenticates, or nullopt for none.
  struct SignalingKiosk {
    bool refused = false;
    std::optional<KioskId> kiosk;
  };
  [[nodiscard]] SignalingKiosk signaling_kiosk(const Request& req, std::int64_t now);

 private:
  // Admins see every kiosk, revoked ones too; providers the ones they can
  // send to, with their public keys.
  [[nodiscard]] Response list(const Request& req, Role viewer);
  [[nodiscard]] Response admin(const Request& req, std::string_view path, std::int64_t now);
  [[nodiscard]] Response create_enrolment(const Request& req, std::int64_t account, std::int64_t now);
  [[nodiscard]] Response revoke(const Request& req, std::int64_t account, std::int64_t kiosk, std::int64_t now);
  [[nodiscard]] Response enrol(const Request& req, const std::string& remote_address, WallClock now);
  [[nodiscard]] Response tablet(const Request& req, std::string_view path, std::int64_t now);
  [[nodiscard]] Response provider(const Request& req, std::string_view path, std::int64_t now);
  [[nodiscard]] Response send_visit(const Request& req, std::int64_t account, std::int64_t kiosk, std::int64_t now);
  // The enrolled, unrevoked kiosk the request's cookie names (last-seen touched).
  [[nodiscard]] std::optional<Kiosk> authenticate(const Request& req, std::int64_t now);

  Storage* storage_;
  std::shared_ptr<AccountApi> accounts_;
  std::shared_ptr<SignalingHub> hub_;
  SignInThrottle enrol_throttle_;
};

}  // namespace tessera::gateway
