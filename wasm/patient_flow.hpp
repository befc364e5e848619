#pragma once
// The patient's journey, from the link to the visit-ended screen:
//   link ─bad─> "this link does not work"
//   link ─ok─> device check (self view, pick camera and microphone, help
//   when permission is denied or no device exists) ─> display name ─>
//   waiting room (time waited, the provider's notes) ─> call (remote video,
//   self view, mute, camera off, hang up, safety code) ─> ended.
// The visit itself is GuestVisit, run by a VisitDriver; this class holds
// what the screens need besides it and says status changes out loud.
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "wasm/call_view.hpp"
#include "wasm/chat_view.hpp"
#include "wasm/local_media.hpp"
#include "wasm/tab_title.hpp"
#include "wasm/visit_driver.hpp"
#include "wasm/visit/guest_visit.hpp"
#include "wasm/widgets.hpp"

namespace tessera::client {

class PatientFlow {
 public:
  // link: the page's address with its fragment (wiped once the visit holds it).
  // kiosk: received files are shown, held in memory only, never written to or saved on the device.
  PatientFlow(std::string link, std::function<void()> redraw, bool kiosk = false);
  PatientFlow(const PatientFlow&) = delete;
  PatientFlow& operator=(const PatientFlow&) = delete;
  ~PatientFlow();

  void draw(ui::Ui& ui);
  // A call with its chat is on: a wide screen gives the chat a column of its own.
  [[nodiscard]] bool wants_side_panel() const;

  // For a kiosk, which wipes the visit once it is over and never lets the
  // waiting room or the call time out.
  [[nodiscard]] bool joined() const { return visit_ != nullptr; }
  [[nodiscard]] bool over() const;
  [[nodiscard]] EndReason end_reason() const { return visit_ ? visit_->visit().end_reason() : EndReason::none; }

 private:
  enum class Step { bad_link, device_check, name, visit };

  void join();
  void on_visit_change();
  void announce(const char* words);
  // How the provider is spoken of on the call screen: its name, once sent.
  [[nodiscard]] std::string care_team() const;
  void arm_clock();
  static void on_clock(void* user);

  void draw_bad_link(ui::Ui& ui);
  void draw_device_check(ui::Ui& ui);
  void draw_name(ui::Ui& ui);
  void draw_waiting(ui::Ui& ui);
  void draw_call(ui::Ui& ui);
  void draw_ended(ui::Ui& ui);

  std::function<void()> redraw_;
  std::string link_;
  ReceivedFiles received_;
  Step step_ = Step::bad_link;
  const char* link_error_ = "";
  LocalMedia media_;
  std::string name_;
  const char* name_error_ = nullptr;
  std::unique_ptr<VisitDriver<GuestVisit>> visit_;
  // What was last said through the live region, so each change is said once.
  std::optional<VisitPhase> said_phase_;
  bool said_reconnecting_ = false;
  std::size_t said_notes_ = 0;
  std::optional<TabTitle> title_;  // none on a kiosk: KioskFlow keeps its own title
  bool said_code_ = false;
  CallView call_view_;
  ChatView chat_view_;
  long clock_ = 0;  // redraws the waiting time once a minute
  long meter_ = 0;  // redraws the microphone level while the device check shows
  int shown_level_ = -2;
  static void on_meter(void* user);
};

// The end screen's heading for the patient ("You were not let in", ...).
[[nodiscard]] const char* patient_ended_heading(EndReason reason);

}  // namespace tessera::client
