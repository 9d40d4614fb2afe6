# Sourced by the device scripts (device-bench.sh, device-teachers.sh): an NVIDIA driver without
# its Vulkan ICD file gets one described in /tmp, so that the Vulkan loader (and Dawn) finds it.
if [ -z "${VK_DRIVER_FILES:-}" ] && ! ls /usr/share/vulkan/icd.d/nvidia*.json /etc/vulkan/icd.d/nvidia*.json >/dev/null 2>&1; then
  lib=$(ls /usr/lib/x86_64-linux-gnu/libGLX_nvidia.so.0 /usr/lib64/libGLX_nvidia.so.0 2>/dev/null | head -1)
  if [ -n "$lib" ]; then
    printf '{"file_format_version":"1.0.1","ICD":{"library_path":"%s","api_version":"1.3"}}\n' "$lib" > /tmp/refilled_nvidia_icd.json
    export VK_DRIVER_FILES=/tmp/refilled_nvidia_icd.json VK_ICD_FILENAMES=/tmp/refilled_nvidia_icd.json
    echo "wrote /tmp/refilled_nvidia_icd.json for $lib"
  fi
fi
