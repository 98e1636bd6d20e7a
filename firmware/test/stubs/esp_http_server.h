// mirrors: ESP-IDF v4.4 components/esp_http_server/include/esp_http_server.h
// (subset, with CONFIG_HTTPD_WS_SUPPORT=y as in arduino-esp32 2.x) and
// components/nghttp/port/include/http_parser.h (http_method).
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>

#include "esp_err.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"

#define CONFIG_HTTPD_MAX_URI_LEN 512  // sdkconfig default

enum http_method { HTTP_DELETE = 0, HTTP_GET = 1, HTTP_HEAD = 2, HTTP_POST = 3, HTTP_PUT = 4 };
typedef enum http_method httpd_method_t;

typedef void* httpd_handle_t;
typedef void (*httpd_free_ctx_fn_t)(void* ctx);
typedef esp_err_t (*httpd_open_func_t)(httpd_handle_t hd, int sockfd);
typedef void (*httpd_close_func_t)(httpd_handle_t hd, int sockfd);
typedef bool (*httpd_uri_match_func_t)(const char* reference_uri, const char* uri_to_match,
                                       size_t match_upto);

typedef struct httpd_config {
  unsigned task_priority;
  size_t stack_size;
  BaseType_t core_id;
  uint16_t server_port;
  uint16_t ctrl_port;
  uint16_t max_open_sockets;
  uint16_t max_uri_handlers;
  uint16_t max_resp_headers;
  uint16_t backlog_conn;
  bool lru_purge_enable;
  uint16_t recv_wait_timeout;
  uint16_t send_wait_timeout;
  void* global_user_ctx;
  httpd_free_ctx_fn_t global_user_ctx_free_fn;
  void* global_transport_ctx;
  httpd_free_ctx_fn_t global_transport_ctx_free_fn;
  bool enable_so_linger;
  int linger_timeout;
  httpd_open_func_t open_fn;
  httpd_close_func_t close_fn;
  httpd_uri_match_func_t uri_match_fn;
} httpd_config_t;

#define tskIDLE_PRIORITY ((UBaseType_t)0U)
#define tskNO_AFFINITY 0x7FFFFFFF
#define HTTPD_DEFAULT_CONFIG() {                    \
        .task_priority      = tskIDLE_PRIORITY+5,   \
        .stack_size         = 4096,                 \
        .core_id            = tskNO_AFFINITY,       \
        .server_port        = 80,                   \
        .ctrl_port          = 32768,                \
        .max_open_sockets   = 7,                    \
        .max_uri_handlers   = 8,                    \
        .max_resp_headers   = 8,                    \
        .backlog_conn       = 5,                    \
        .lru_purge_enable   = false,                \
        .recv_wait_timeout  = 5,                    \
        .send_wait_timeout  = 5,                    \
        .global_user_ctx = NULL,                    \
        .global_user_ctx_free_fn = NULL,            \
        .global_transport_ctx = NULL,               \
        .global_transport_ctx_free_fn = NULL,       \
        .enable_so_linger = false,                  \
        .linger_timeout = 0,                        \
        .open_fn = NULL,                            \
        .close_fn = NULL,                           \
        .uri_match_fn = NULL                        \
}

typedef struct httpd_req {
  httpd_handle_t handle;
  int method;
  const char uri[CONFIG_HTTPD_MAX_URI_LEN + 1];
  size_t content_len;
  void* aux;
  void* user_ctx;
  void* sess_ctx;
  httpd_free_ctx_fn_t free_ctx;
  bool ignore_sess_ctx_changes;
} httpd_req_t;

typedef struct httpd_uri {
  const char* uri;
  httpd_method_t method;
  esp_err_t (*handler)(httpd_req_t* r);
  void* user_ctx;
  bool is_websocket;
  bool handle_ws_control_frames;
  const char* supported_subprotocol;
} httpd_uri_t;

typedef enum {
  HTTPD_WS_TYPE_CONTINUE = 0x0,
  HTTPD_WS_TYPE_TEXT = 0x1,
  HTTPD_WS_TYPE_BINARY = 0x2,
  HTTPD_WS_TYPE_CLOSE = 0x8,
  HTTPD_WS_TYPE_PING = 0x9,
  HTTPD_WS_TYPE_PONG = 0xA
} httpd_ws_type_t;

typedef struct httpd_ws_frame {
  bool final;
  bool fragmented;
  httpd_ws_type_t type;
  uint8_t* payload;
  size_t len;
} httpd_ws_frame_t;

typedef void (*transfer_complete_cb)(esp_err_t err, int socket, void* arg);
typedef void (*httpd_work_fn_t)(void* arg);

extern "C" {
esp_err_t httpd_start(httpd_handle_t* handle, const httpd_config_t* config);
esp_err_t httpd_register_uri_handler(httpd_handle_t handle, const httpd_uri_t* uri_handler);
esp_err_t httpd_unregister_uri_handler(httpd_handle_t handle, const char* uri,
                                       httpd_method_t method);
esp_err_t httpd_queue_work(httpd_handle_t handle, httpd_work_fn_t work, void* arg);
esp_err_t httpd_sess_trigger_close(httpd_handle_t handle, int sockfd);
int httpd_req_to_sockfd(httpd_req_t* r);
esp_err_t httpd_req_get_hdr_value_str(httpd_req_t* r, const char* field, char* val,
                                      size_t val_size);
esp_err_t httpd_resp_send(httpd_req_t* r, const char* buf, ssize_t buf_len);
esp_err_t httpd_resp_set_status(httpd_req_t* r, const char* status);
esp_err_t httpd_resp_set_type(httpd_req_t* r, const char* type);
esp_err_t httpd_resp_set_hdr(httpd_req_t* r, const char* field, const char* value);
esp_err_t httpd_ws_recv_frame(httpd_req_t* req, httpd_ws_frame_t* pkt, size_t max_len);
esp_err_t httpd_ws_send_frame(httpd_req_t* req, httpd_ws_frame_t* pkt);
esp_err_t httpd_ws_send_data_async(httpd_handle_t handle, int socket, httpd_ws_frame_t* frame,
                                   transfer_complete_cb callback, void* arg);
}
