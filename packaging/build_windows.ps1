# Builds the Windows app: dist\desktop-sync\ (desktop-sync.exe for the app, desktop-sync-cli.exe
# for the command line) and dist\desktop-sync-<version>-windows-x64.zip.
# Usage (PowerShell, Python 3.11+ from python.org):  .\packaging\build_windows.ps1
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..")

function Invoke-Checked {
    # Native programs report failure by exit code, which PowerShell does not stop on.
    param([string]$Program, [string[]]$Arguments)
    & $Program @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Program failed with exit code $LASTEXITCODE" }
}

$venv = if ($env:VENV) { $env:VENV } else { ".venv" }
$python = Join-Path $venv "Scripts\python.exe"
if (-not (Test-Path $python)) {
    $launcher = if ($env:PYTHON) { $env:PYTHON } else { "py" }
    Invoke-Checked $launcher @("-3", "-m", "venv", $venv)
}
Write-Host "== installing the app and PyInstaller into $venv =="
Invoke-Checked $python @("-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", ".[packaging]")

$version = (& $python -c "import desktop_sync; print(desktop_sync.__version__)").Trim()
Write-Host "== building desktop-sync $version for Windows =="
Remove-Item -Recurse -Force -ErrorAction SilentlyContinue dist\desktop-sync, build\pyinstaller
Invoke-Checked (Join-Path $venv "Scripts\pyinstaller.exe") @(
    "--noconfirm", "--clean", "--log-level", "WARN",
    "--distpath", "dist", "--workpath", "build\pyinstaller", "packaging\desktop-sync.spec"
)

Write-Host "== packing the .zip =="
$archive = "dist\desktop-sync-$version-windows-x64.zip"
Remove-Item -Force -ErrorAction SilentlyContinue $archive
Compress-Archive -Path dist\desktop-sync -DestinationPath $archive

Write-Host "== checking the app starts =="
Invoke-Checked "dist\desktop-sync\desktop-sync-cli.exe" @("--version")
Write-Host "Built dist\desktop-sync\ and $archive"
