module.exports = {
  register() {
    return () => {}
  },
}
