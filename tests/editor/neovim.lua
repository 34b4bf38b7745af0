-- Driven by tests/editor.rs: Neovim's own LSP client attached to `exportfix server` on the file being edited.
-- Waits for the diagnostic, applies its quick fix, writes the file and records what it saw in report.txt.
-- Any failure ends Neovim with a non-zero exit code and the reason on standard error.
local function run()
  local bin = assert(os.getenv('EXPORTFIX_BIN'), 'EXPORTFIX_BIN is not set')
  local client_id = vim.lsp.start_client({ name = 'exportfix', cmd = { bin, 'server' }, root_dir = vim.fn.getcwd() })
  assert(client_id, 'the client did not start')
  vim.lsp.buf_attach_client(0, client_id)
  assert(vim.wait(30000, function() return #vim.diagnostic.get(0) > 0 end, 10), 'no diagnostic within 30 s')
  local diagnostic = vim.diagnostic.get(0)[1]
  vim.api.nvim_win_set_cursor(0, { diagnostic.lnum + 1, diagnostic.col })
  local client = vim.lsp.get_client_by_id(client_id)
  local params = vim.lsp.util.make_range_params(0, client.offset_encoding)
  params.context = { diagnostics = {}, only = { 'quickfix' } }
  local responses = assert(vim.lsp.buf_request_sync(0, 'textDocument/codeAction', params, 30000), 'no code actions')
  local action
  for _, response in pairs(responses) do
    action = action or (response.result or {})[1]
  end
  assert(action and action.edit, 'no quick fix')
  vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
  vim.cmd('write')
  local report = io.open('report.txt', 'w')
  report:write(diagnostic.source, '\n', diagnostic.message, '\n', action.title, '\n')
  report:close()
end

local ok, problem = pcall(run)
if not ok then
  io.stderr:write('neovim.lua: ', tostring(problem), '\n')
  vim.cmd('cquit')
end
vim.cmd('qall!')
