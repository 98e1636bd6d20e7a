#!/usr/bin/env bash
# `make run`: the emulator (unless DEVICE_URL is given), the camera node, the browser
# viewer and a live status line, until Ctrl-C. Usage: scripts/run.sh PYTHON
# VIEWER_PORT (8081) and VIEWER_ADDRESS (127.0.0.1; 0.0.0.0 shows it to the whole
# network, without authentication) place the viewer.
set -euo pipefail
py=$1
port=${RUN_PORT:-8080}
url=${DEVICE_URL:-}
pids=()
cleanup() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
  # A script's background jobs start with SIGINT ignored (until rclpy installs its
  # handler), so a Ctrl-C right at startup needs SIGTERM for whoever is still there.
  for _ in $(seq 50); do
    alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT
if [ -z "$url" ]; then
  "$py" -m esp32_drone_camera.emulator --host 127.0.0.1 --port "$port" &
  pids+=($!)
  url="ws://127.0.0.1:$port"
fi
"$py" -m esp32_drone_camera.camera_node --ros-args -r __ns:=/camera \
  --params-file config/camera.yaml -p "device_url:=$url" &
pids+=($!)
viewer_port=${VIEWER_PORT:-8081}
viewer_address=${VIEWER_ADDRESS:-127.0.0.1}
"$py" -m esp32_drone_camera.viewer --ros-args -p "port:=$viewer_port" \
  -p "address:=$viewer_address" &
pids+=($!)
viewer_host=$viewer_address
case $viewer_address in 0.0.0.0|::) viewer_host=$(hostname) ;; esac
echo "camera node on $url; Ctrl-C to stop"
echo "see the picture: open http://$viewer_host:$viewer_port/ in a browser"
"$py" -m esp32_drone_camera.monitor --topic /camera/image_raw/compressed
