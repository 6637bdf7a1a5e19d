# Sourced by the origin harnesses (origin-vs-nginx.sh, origin-storage.sh): the benchmark title both serve, made by
# the bundled ffmpeg. 720p, 4 s segments at a constant 4 Mbit/s (about 2 MB each), fMP4, into the directory given.
# Needs JAR (a built streamkit.jar) and log() from the caller.
encode_bench_title() {
  local title=$1 ffmpeg
  mkdir -p "$title"
  ffmpeg=$(java -cp "$JAR" benchmarks/src/main/java/io/streamkit/benchmarks/server/BundledFfmpeg.java)
  log "encoding the benchmark title with $ffmpeg"
  (cd "$title" && "$ffmpeg" -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=1280x720:rate=30 -t 24 \
    -c:v libx264 -preset veryfast -g 120 -keyint_min 120 -sc_threshold 0 \
    -b:v 4M -minrate 4M -maxrate 4M -bufsize 4M -x264-params nal-hrd=cbr \
    -f hls -hls_time 4 -hls_playlist_type vod -hls_segment_type fmp4 -hls_segment_filename 'v%v/seg_%05d.m4s' \
    -hls_fmp4_init_filename init.mp4 -master_pl_name master.m3u8 -var_stream_map 'v:0' 'v%v/index.m3u8')
}
