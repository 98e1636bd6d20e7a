#include "web_server.h"

#include <esp_http_server.h>
#include <lwip/sockets.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <strings.h>

#include "app.h"
#include "camera_core/messages.h"
#include "camera_core/protocol_limits.h"
#include "camera_core/send_tracker.h"
#include "camera_core/stream_hub.h"
#include "config.h"
#include "console.h"
#include "device_glue.h"

// The page, embedded by PlatformIO (board_build.embed_txtfiles = web/index.html,
// which appends a NUL).
extern const char kPageStart[] asm("_binary_web_index_html_start");
extern const char kPageEnd[] asm("_binary_web_index_html_end");

namespace cam {

namespace {

enum class Admission : uint8_t { Open, Full, Stopped };

httpd_handle_t g_server = nullptr;
Admission g_admission = Admission::Open;  // which GET handler is registered (server task only)

// One outgoing text buffer per viewer slot (status, wstest); the hub knows
// whether it is still being sent.
struct TextSlot {
  size_t len = 0;
  char data[camcore::kMaxWsText];
};
TextSlot g_text[camcore::kMaxClients];

// A send still outstanding after this long had its work item dropped by the
// server (see send_tracker.h): far beyond send_wait_timeout (2 s) times the
// sends that can be queued before it.
constexpr uint64_t kLostSendUs = 30ull * 1000000;

void on_sent(esp_err_t err, int fd, void* arg);

// The hub's transport: esp_http_server's asynchronous WebSocket send.
class HttpdPort : public camcore::SendPort {
 public:
  bool send_async(int handle, const uint8_t* data, size_t len, bool binary,
                  int32_t token) override {
    httpd_ws_frame_t frame = {};
    frame.final = true;
    frame.type = binary ? HTTPD_WS_TYPE_BINARY : HTTPD_WS_TYPE_TEXT;
    frame.payload = const_cast<uint8_t*>(data);  // kept alive by the hub until on_sent
    frame.len = len;
    return httpd_ws_send_data_async(g_server, handle, &frame, on_sent,
                                    reinterpret_cast<void*>(static_cast<intptr_t>(token))) == ESP_OK;
  }
};

camcore::StreamHub& hub() {
  static HttpdPort port;
  static camcore::StreamHub instance(app().state, app().pool, port);
  return instance;
}

// Receive buffer for viewer text; used only on the server task.
char g_rx[camcore::kMaxWsText + 1];
camcore::CommandOutput g_ws_out;

esp_err_t on_root_ws(httpd_req_t* req);
esp_err_t on_root_refusing(httpd_req_t* req);

httpd_uri_t make_uri(bool websocket) {
  httpd_uri_t uri = {};  // zero-initialised: no subprotocol, fields of newer IDFs off
  uri.uri = "/";
  uri.method = HTTP_GET;
  uri.handler = websocket ? on_root_ws : on_root_refusing;
  uri.user_ctx = nullptr;
  uri.is_websocket = websocket;
  uri.handle_ws_control_frames = false;  // the server answers PING/CLOSE frames itself
  return uri;
}

// Runs on the server task: registers the GET handler matching the state.
void update_admission(void*) {
  Admission wanted;
  {
    CoreLock lock;
    const camcore::CameraState& s = app().state;
    wanted = !s.settings.server_running ? Admission::Stopped
             : s.clients.full()         ? Admission::Full
                                        : Admission::Open;
  }
  const bool was_ws = g_admission == Admission::Open;
  const bool want_ws = wanted == Admission::Open;
  g_admission = wanted;
  if (was_ws == want_ws) return;
  httpd_unregister_uri_handler(g_server, "/", HTTP_GET);
  const httpd_uri_t uri = make_uri(want_ws);
  if (httpd_register_uri_handler(g_server, &uri) != ESP_OK) {
    log_line("ERROR", "Cannot register the / handler");
  }
}

void queue_admission_update() { httpd_queue_work(g_server, update_admission, nullptr); }

bool header_is(httpd_req_t* req, const char* field, const char* value) {
  char buf[24];
  return httpd_req_get_hdr_value_str(req, field, buf, sizeof(buf)) == ESP_OK &&
         strcasecmp(buf, value) == 0;
}

esp_err_t serve_page(httpd_req_t* req) {
  httpd_resp_set_type(req, "text/html; charset=utf-8");
  httpd_resp_set_hdr(req, "Cache-Control", "no-store");
  return httpd_resp_send(req, kPageStart, kPageEnd - kPageStart - 1);
}

void peer_address(int fd, char* out, size_t cap) {
  sockaddr_storage addr = {};
  socklen_t len = sizeof(addr);
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    std::snprintf(out, cap, "unknown");
    return;
  }
  if (addr.ss_family == AF_INET6) {  // the server listens on IPv6, IPv4 peers are mapped
    const sockaddr_in6* a = reinterpret_cast<const sockaddr_in6*>(&addr);
    const uint8_t* b = a->sin6_addr.s6_addr;
    std::snprintf(out, cap, "%u.%u.%u.%u:%u", b[12], b[13], b[14], b[15], ntohs(a->sin6_port));
  } else {
    const sockaddr_in* a = reinterpret_cast<const sockaddr_in*>(&addr);
    const uint32_t ip = ntohl(a->sin_addr.s_addr);
    std::snprintf(out, cap, "%u.%u.%u.%u:%u", static_cast<unsigned>(ip >> 24),
                  static_cast<unsigned>((ip >> 16) & 0xFF), static_cast<unsigned>((ip >> 8) & 0xFF),
                  static_cast<unsigned>(ip & 0xFF), ntohs(a->sin_port));
  }
}

// Completion of a send whose outcome changes nothing (close frames).
void ignore_completion(esp_err_t, int, void*) {}

// Queues a close frame with `code`, then the close of the socket.
void close_with_code(int fd, CloseCode code) {
  // Close frame payloads (big-endian codes), static: they must outlive the
  // asynchronous send.
  static uint8_t going_away[2] = {0x03, 0xE9};
  static uint8_t restart[2] = {0x03, 0xF4};
  static uint8_t try_later[2] = {0x03, 0xF5};
  uint8_t* payload = code == CloseCode::GoingAway      ? going_away
                     : code == CloseCode::ServiceRestart ? restart
                                                         : try_later;
  httpd_ws_frame_t frame = {};
  frame.final = true;
  frame.type = HTTPD_WS_TYPE_CLOSE;
  frame.payload = payload;
  frame.len = 2;
  httpd_ws_send_data_async(g_server, fd, &frame, ignore_completion, nullptr);
  httpd_sess_trigger_close(g_server, fd);
}

esp_err_t send_text_now(httpd_req_t* req, const char* text, size_t len) {
  httpd_ws_frame_t frame = {};
  frame.final = true;
  frame.type = HTTPD_WS_TYPE_TEXT;
  frame.payload = reinterpret_cast<uint8_t*>(const_cast<char*>(text));
  frame.len = len;
  return httpd_ws_send_frame(req, &frame);
}

esp_err_t on_ws_open(httpd_req_t* req) {
  const int fd = httpd_req_to_sockfd(req);
  char address[48];
  peer_address(fd, address, sizeof(address));
  char welcome[camcore::kMaxWsText];
  size_t welcome_len = 0;
  const camcore::ClientInfo* client;
  size_t count;
  {
    CoreLock lock;
    client = app().state.settings.server_running ? app().state.clients.add(fd, address) : nullptr;
    if (client == nullptr) app().state.clients.on_rejected();
    count = app().state.clients.count();
    welcome_len = camcore::write_welcome(app().state, processor().auth_required(), welcome,
                                         sizeof(welcome));
  }
  if (client == nullptr) {  // raced past the admission swap (full, or just stopped)
    log_line("WS", "Client %s refused after the handshake", address);
    close_with_code(fd, CloseCode::TryAgainLater);
    return ESP_OK;
  }
  log_line("WS", "Client connected from %s (%u/%u)", address, static_cast<unsigned>(count),
           static_cast<unsigned>(camcore::kMaxClients));
  queue_admission_update();
  return send_text_now(req, welcome, welcome_len);
}

esp_err_t on_ws_frame(httpd_req_t* req) {
  httpd_ws_frame_t frame = {};
  if (httpd_ws_recv_frame(req, &frame, 0) != ESP_OK) return ESP_FAIL;  // length only
  const uint64_t rx_us = now_us();
  if (frame.len > camcore::kMaxWsText) {
    // esp_http_server has no way to skip a payload without reading it into a
    // buffer of its size, so an over-long message is answered (bad_request)
    // and the connection closed rather than buffered.
    {
      CoreLock lock;
      processor().reply_too_long(g_ws_out);
    }
    send_text_now(req, g_ws_out.reply, g_ws_out.reply_len);
    return ESP_FAIL;
  }
  frame.payload = reinterpret_cast<uint8_t*>(g_rx);
  if (frame.len > 0 && httpd_ws_recv_frame(req, &frame, camcore::kMaxWsText) != ESP_OK) {
    return ESP_FAIL;
  }
  // Viewers send no binary data, and commands are far below any fragmentation
  // threshold: anything but a whole text message is read and ignored.
  if (frame.type != HTTPD_WS_TYPE_TEXT || !frame.final) return ESP_OK;
  bool answer;
  {
    CoreLock lock;
    answer = processor().handle_ws_text(g_rx, frame.len, rx_us, g_ws_out);
  }
  return answer ? send_text_now(req, g_ws_out.reply, g_ws_out.reply_len) : ESP_OK;
}

esp_err_t on_root_ws(httpd_req_t* req) {
  if (req->method != HTTP_GET) return on_ws_frame(req);
  if (!header_is(req, "Upgrade", "websocket")) return serve_page(req);
  return on_ws_open(req);
}

esp_err_t on_root_refusing(httpd_req_t* req) {
  if (!header_is(req, "Upgrade", "websocket")) return serve_page(req);
  bool stopped;
  {
    CoreLock lock;
    app().state.clients.on_rejected();
    stopped = !app().state.settings.server_running;
  }
  httpd_resp_set_status(req, "503 Service Unavailable");
  httpd_resp_set_type(req, "text/plain");
  httpd_resp_set_hdr(req, camcore::kRejectHeader,
                     stopped ? camcore::kRejectServerStopped : camcore::kRejectMaxClients);
  char body[48];
  const int n = stopped ? std::snprintf(body, sizeof(body), "WebSocket server stopped\n")
                        : std::snprintf(body, sizeof(body), "max clients (%u) reached\n",
                                        static_cast<unsigned>(camcore::kMaxClients));
  return httpd_resp_send(req, body, n);
}

void on_close(httpd_handle_t, int fd) {
  bool removed;
  {
    CoreLock lock;
    removed = app().state.clients.remove(fd);
  }
  if (removed) {
    log_line("WS", "Client disconnected (fd %d)", fd);
    queue_admission_update();
  }
  close(fd);  // with a close_fn set, closing the socket is ours to do
}

void close_failing(int fd) {
  log_line("WS", "Closing client fd %d after repeated send failures", fd);
  httpd_sess_trigger_close(g_server, fd);
}

// Completion callback of every frame and text send (server task).
void on_sent(esp_err_t err, int, void* arg) {
  int close_fd;
  {
    CoreLock lock;
    close_fd = hub().on_complete(static_cast<int32_t>(reinterpret_cast<intptr_t>(arg)),
                                 err == ESP_OK);
  }
  if (close_fd >= 0) close_failing(close_fd);
}

}  // namespace

bool web_begin() {
  httpd_config_t config = HTTPD_DEFAULT_CONFIG();
  config.server_port = kHttpPort;
  config.stack_size = 8192;  // command replies are formatted on this task
  config.max_open_sockets = 7;  // 3 viewers + page loads and refused upgrades
  config.max_uri_handlers = 2;
  config.lru_purge_enable = false;  // never evict a streaming viewer for a newcomer
  config.send_wait_timeout = 2;     // a stuck viewer blocks the server task at most 2 s
  config.close_fn = on_close;
  if (httpd_start(&g_server, &config) != ESP_OK) {
    log_line("ERROR", "HTTP server failed to start on port %u", static_cast<unsigned>(kHttpPort));
    return false;
  }
  const httpd_uri_t uri = make_uri(true);
  g_admission = Admission::Open;
  return httpd_register_uri_handler(g_server, &uri) == ESP_OK;
}

void web_set_accepting(bool accepting) {
  if (!accepting) web_close_all(CloseCode::GoingAway);
  queue_admission_update();  // reads settings.server_running once the command has set it
}

int web_broadcast_test() {
  int sent = 0;
  for (size_t i = 0; i < camcore::kMaxClients; ++i) {
    if (!app().state.clients.slot(i).active || hub().text_busy(i)) continue;
    g_text[i].len = camcore::write_test_message(g_text[i].data, sizeof(g_text[i].data));
    sent += hub().offer_text(i, g_text[i].data, g_text[i].len, now_us()) ? 1 : 0;
  }
  return sent;
}

void web_send_frame(int slot, const uint8_t* data, size_t len) {
  hub().offer_frame(slot, data, len, now_us());
}

void web_close_all(CloseCode code) {
  for (size_t i = 0; i < camcore::kMaxClients; ++i) {
    const camcore::ClientInfo& client = app().state.clients.slot(i);
    if (client.active) close_with_code(client.handle, code);
  }
}

void web_send_status(uint64_t now_us) {
  int close_fds[camcore::SendTracker::kMaxOutstanding];
  size_t n_close = 0;
  size_t n_lost;
  {
    CoreLock lock;
    n_lost = hub().reclaim(now_us, kLostSendUs, close_fds, &n_close);
  }
  if (n_lost > 0) {
    log_line("WARNING", "%u WebSocket send(s) lost by the server were reclaimed",
             static_cast<unsigned>(n_lost));
  }
  for (size_t i = 0; i < n_close; ++i) close_failing(close_fds[i]);
  CoreLock lock;
  const camcore::SystemInfo sys = EspDevice().system_info();
  for (size_t i = 0; i < camcore::kMaxClients; ++i) {
    const camcore::ClientInfo& client = app().state.clients.slot(i);
    if (!client.active || hub().text_busy(i)) continue;
    g_text[i].len = camcore::write_status(app().state, sys, client.skipped, now_us,
                                          g_text[i].data, sizeof(g_text[i].data));
    if (g_text[i].len > 0) hub().offer_text(i, g_text[i].data, g_text[i].len, now_us);
  }
}

}  // namespace cam
